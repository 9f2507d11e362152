import * as flatbuffers from 'flatbuffers';
import { Header, KeyValue, Section } from '../generated/checkpoint_generated.js';
import { verifyRoot } from './flatbuffers-verifier.js';
import { HEADER_SCHEMA, SECTION_KINDS, SectionSlot, sectionInfo, type HeaderInfo, type SectionInfo } from './header-layout.js';

/**
 * The header codec in Node (package.json `imports` `#header-codec`): flatc's generated
 * code for schema/checkpoint.fbs over the `flatbuffers` runtime. It is the reference
 * that ./header-compact.ts (the browser build's codec) is tested against, byte for byte
 * (test/format/header-compact.test.ts).
 */

const vtableOffset = (slot: SectionSlot): number => 4 + 2 * slot;

/** Builds the FlatBuffers header. Inverse of {@link decodeHeader}. */
export function encodeHeader(info: HeaderInfo): Uint8Array {
  const b = new flatbuffers.Builder(256 + info.sections.length * 96);
  const sectionOffsets = info.sections.map((s) => {
    // Shared: thousands of sections repeat "float32" and "cpu"; store each string once.
    const dtype = s.dtype ? b.createSharedString(s.dtype) : 0;
    const device = s.device ? b.createSharedString(s.device) : 0;
    const shape = s.kind === 'tensor' ? Section.createShapeVector(b, s.shape.map((d) => BigInt(d))) : 0;
    Section.startSection(b);
    Section.addKind(b, SECTION_KINDS.indexOf(s.kind));
    Section.addOffset(b, BigInt(s.offset));
    Section.addLength(b, BigInt(s.length));
    Section.addCrc32c(b, s.crc32c);
    if (dtype) Section.addDtype(b, dtype);
    if (shape) Section.addShape(b, shape);
    if (device) Section.addDevice(b, device);
    return Section.endSection(b);
  });
  const metadataOffsets = Object.keys(info.metadata)
    .sort()
    .map((key) => KeyValue.createKeyValue(b, b.createString(key), b.createString(info.metadata[key]!)));
  const writer = b.createString(info.writer);
  const backend = b.createString(info.backend);
  const sections = Header.createSectionsVector(b, sectionOffsets);
  const metadata = Header.createMetadataVector(b, metadataOffsets);
  Header.finishHeaderBuffer(b, Header.createHeader(b, info.formatVersion, writer, backend, sections, metadata));
  return b.asUint8Array();
}

/** The absolute position of `slot` of each section table, 0 where the field is absent. */
function sectionFieldPositions(header: Uint8Array, count: number, slot: SectionSlot): number[] {
  const bb = new flatbuffers.ByteBuffer(header);
  const root = Header.getRootAsHeader(bb);
  const s = new Section();
  const positions: number[] = [];
  for (let i = 0; i < count; i++) {
    root.sections(i, s);
    const o = bb.__offset(s.bb_pos, vtableOffset(slot));
    positions.push(o && s.bb_pos + o);
  }
  return positions;
}

/**
 * Writes each section's final offset into an encoded header in place. The header was
 * built with non-zero placeholder offsets, so every offset field is present and 8 bytes
 * wide: the layout can be computed from the header's size without building it twice.
 */
export function patchSectionOffsets(header: Uint8Array, offsets: readonly number[]): void {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  sectionFieldPositions(header, offsets.length, SectionSlot.OFFSET).forEach((at, i) => {
    if (at === 0) throw new Error('internal: section offset field missing');
    view.setBigUint64(at, BigInt(offsets[i]!), true);
  });
}

/**
 * Writes each section's CRC-32C into an encoded header in place, for a header built
 * with a non-zero placeholder in every field that will hold a non-zero CRC. A zero CRC
 * cannot be patched in (FlatBuffers leaves a field holding its default out, so the
 * header built with it is shorter): returns false then, and the caller builds the
 * header anew with {@link encodeHeader}.
 */
export function patchSectionCrcs(header: Uint8Array, crcs: readonly number[]): boolean {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const at = sectionFieldPositions(header, crcs.length, SectionSlot.CRC32C);
  if (at.some((p, i) => (p === 0) !== (crcs[i] === 0))) return false;
  at.forEach((p, i) => p && view.setUint32(p, crcs[i]!, true));
  return true;
}

/**
 * Verifies and decodes the FlatBuffers header. Inverse of {@link encodeHeader}.
 * Checks structure only; `validateSections` checks sections against the file.
 * @throws CheckpointFormatError (`BAD_HEADER`) naming the byte where it is invalid.
 */
export function decodeHeader(bytes: Uint8Array, baseOffset: number): HeaderInfo {
  verifyRoot(bytes, HEADER_SCHEMA, baseOffset);
  const bb = new flatbuffers.ByteBuffer(bytes);
  const header = Header.getRootAsHeader(bb);
  // Strings are shared between sections; decode each one once, by its position.
  const strings = new Map<number, string>();
  const stringField = (table: { bb_pos: number }, slot: SectionSlot): string => {
    const o = bb.__offset(table.bb_pos, vtableOffset(slot));
    if (o === 0) return '';
    const at = table.bb_pos + o;
    const target = at + bb.readInt32(at);
    let v = strings.get(target);
    if (v === undefined) strings.set(target, (v = bb.__string(at) as string));
    return v;
  };
  const sections: SectionInfo[] = [];
  const s = new Section();
  for (let i = 0; i < header.sectionsLength(); i++) {
    header.sections(i, s);
    sections.push(
      sectionInfo(i, {
        kind: s.kind(),
        offset: s.offset(),
        length: s.length(),
        crc32c: s.crc32c(),
        rank: s.shapeLength(),
        dim: (d) => s.shape(d)!,
        dtype: stringField(s, SectionSlot.DTYPE),
        device: stringField(s, SectionSlot.DEVICE),
      }, baseOffset),
    );
  }
  const metadata: Record<string, string> = Object.create(null);
  for (let i = 0; i < header.metadataLength(); i++) {
    const kv = header.metadata(i)!;
    metadata[kv.key()!] = kv.value() ?? '';
  }
  return {
    formatVersion: header.formatVersion(),
    writer: header.writer() ?? '',
    backend: header.backend() ?? '',
    sections,
    metadata,
  };
}
