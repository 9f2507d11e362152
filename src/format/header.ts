import * as flatbuffers from 'flatbuffers';
import { CheckpointFormatError } from '../errors.js';
import { Header, KeyValue, Section, SectionKind } from '../generated/checkpoint_generated.js';
import { FORMAT_VERSION } from './constants.js';
import { dtypeSize, MAX_RANK, VARIABLE_WIDTH_DTYPES, type SectionKindName } from './sections.js';
import { verifyRoot, type TableSchema } from './flatbuffers-verifier.js';

export type { SectionKindName };

/** One section as the header describes it. */
export interface SectionInfo {
  kind: SectionKindName;
  /** Absolute offset in the file, a multiple of 64. */
  offset: number;
  length: number;
  crc32c: number;
  dtype: string;
  shape: number[];
  device: string;
}

/** The decoded FlatBuffers header. */
export interface HeaderInfo {
  formatVersion: number;
  writer: string;
  backend: string;
  /** `sections[0]` is the graph stream. */
  sections: SectionInfo[];
  metadata: Record<string, string>;
}

const KIND_TO_FB: Record<SectionKindName, SectionKind> = {
  graph: SectionKind.Graph,
  bytes: SectionKind.Bytes,
  tensor: SectionKind.Tensor,
};
const FB_TO_KIND: Record<number, SectionKindName> = {
  [SectionKind.Graph]: 'graph',
  [SectionKind.Bytes]: 'bytes',
  [SectionKind.Tensor]: 'tensor',
};

/** vtable offsets of Section's fields (4 + 2 × field index, schema order). */
const SECTION_OFFSET_VTABLE_OFFSET = 6;
const SECTION_CRC32C_VTABLE_OFFSET = 10;
const SECTION_DTYPE_VTABLE_OFFSET = 12;
const SECTION_DEVICE_VTABLE_OFFSET = 16;

const SECTION_SCHEMA: TableSchema = {
  name: 'Section',
  fields: [{ scalar: 1 }, { scalar: 8 }, { scalar: 8 }, { scalar: 4 }, { string: true }, { vector: 8 }, { string: true }],
};
const KEY_VALUE_SCHEMA: TableSchema = { name: 'KeyValue', fields: [{ string: true, required: true }, { string: true }] };
const HEADER_SCHEMA: TableSchema = {
  name: 'Header',
  fields: [{ scalar: 4 }, { string: true }, { string: true }, { tables: SECTION_SCHEMA }, { tables: KEY_VALUE_SCHEMA }],
};

/** Builds the FlatBuffers header. Inverse of {@link decodeHeader}. */
export function encodeHeader(info: HeaderInfo): Uint8Array {
  const b = new flatbuffers.Builder(256 + info.sections.length * 96);
  const sectionOffsets = info.sections.map((s) => {
    // Shared: thousands of sections repeat "float32" and "cpu"; store each string once.
    const dtype = s.dtype ? b.createSharedString(s.dtype) : 0;
    const device = s.device ? b.createSharedString(s.device) : 0;
    const shape = s.kind === 'tensor' ? Section.createShapeVector(b, s.shape.map((d) => BigInt(d))) : 0;
    Section.startSection(b);
    Section.addKind(b, KIND_TO_FB[s.kind]);
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

function safeNumber(value: bigint, what: string, at: number): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CheckpointFormatError('BAD_HEADER', `${what} ${value} is out of range`, { offset: at });
  }
  return Number(value);
}

/**
 * Writes each section's final offset into an encoded header in place. The header was
 * built with non-zero placeholder offsets, so every offset field is present and 8 bytes
 * wide: the layout can be computed from the header's size without building it twice.
 */
export function patchSectionOffsets(header: Uint8Array, offsets: readonly number[]): void {
  const bb = new flatbuffers.ByteBuffer(header);
  const root = Header.getRootAsHeader(bb);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const s = new Section();
  offsets.forEach((offset, i) => {
    root.sections(i, s);
    const o = bb.__offset(s.bb_pos, SECTION_OFFSET_VTABLE_OFFSET);
    if (o === 0) throw new Error('internal: section offset field missing');
    view.setBigUint64(s.bb_pos + o, BigInt(offset), true);
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
  const bb = new flatbuffers.ByteBuffer(header);
  const root = Header.getRootAsHeader(bb);
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const s = new Section();
  const fields = crcs.map((crc, i) => {
    root.sections(i, s);
    return { at: bb.__offset(s.bb_pos, SECTION_CRC32C_VTABLE_OFFSET) && s.bb_pos + bb.__offset(s.bb_pos, SECTION_CRC32C_VTABLE_OFFSET), crc };
  });
  if (fields.some((f) => (f.at === 0) !== (f.crc === 0))) return false;
  for (const f of fields) if (f.at !== 0) view.setUint32(f.at, f.crc, true);
  return true;
}

/**
 * Verifies and decodes the FlatBuffers header. Inverse of {@link encodeHeader}.
 * Checks structure only; {@link validateSections} checks sections against the file.
 * @throws CheckpointFormatError (`BAD_HEADER`) naming the byte where it is invalid.
 */
export function decodeHeader(bytes: Uint8Array, baseOffset: number): HeaderInfo {
  verifyRoot(bytes, HEADER_SCHEMA, baseOffset);
  const bb = new flatbuffers.ByteBuffer(bytes);
  const header = Header.getRootAsHeader(bb);
  // Strings are shared between sections; decode each one once, by its position.
  const strings = new Map<number, string>();
  const stringField = (table: { bb_pos: number }, vtableOffset: number): string => {
    const o = bb.__offset(table.bb_pos, vtableOffset);
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
    const kind = FB_TO_KIND[s.kind()];
    if (kind === undefined) {
      throw new CheckpointFormatError('BAD_HEADER', `section ${i} has unknown kind ${s.kind()}`, { offset: baseOffset });
    }
    const rank = s.shapeLength();
    if (rank > MAX_RANK) {
      throw new CheckpointFormatError('BAD_HEADER', `section ${i} has rank ${rank}, above the limit ${MAX_RANK}`, { offset: baseOffset });
    }
    const shape: number[] = [];
    for (let d = 0; d < rank; d++) shape.push(safeNumber(s.shape(d)!, `section ${i} dimension ${d}`, baseOffset));
    sections.push({
      kind,
      offset: safeNumber(s.offset(), `section ${i} offset`, baseOffset),
      length: safeNumber(s.length(), `section ${i} length`, baseOffset),
      crc32c: s.crc32c() >>> 0,
      dtype: stringField(s, SECTION_DTYPE_VTABLE_OFFSET),
      shape,
      device: stringField(s, SECTION_DEVICE_VTABLE_OFFSET),
    });
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

/**
 * Checks that the sections are in order, aligned, inside `[dataStart, fileLength)`,
 * that section 0 is the only graph section, and that a tensor's length matches its
 * dtype and shape.
 * @throws CheckpointFormatError naming the section.
 */
export function validateSections(header: HeaderInfo, dataStart: number, fileLength: number, alignment: number): void {
  const { sections } = header;
  if (!Number.isInteger(header.formatVersion) || header.formatVersion < 1 || header.formatVersion > FORMAT_VERSION) {
    throw new CheckpointFormatError('BAD_HEADER', `header says format version ${header.formatVersion}; this reader knows 1 to ${FORMAT_VERSION}`);
  }
  if (sections.length === 0 || sections[0]!.kind !== 'graph') {
    throw new CheckpointFormatError('BAD_HEADER', 'section 0 must be the graph stream');
  }
  let end = dataStart;
  sections.forEach((s, i) => {
    const fail = (what: string): never => {
      throw new CheckpointFormatError('BAD_SECTION', `section ${i} (${s.kind}) ${what}`, { offset: s.offset });
    };
    if (i > 0 && s.kind === 'graph') fail('is a second graph section');
    if (s.offset % alignment !== 0) fail(`offset ${s.offset} is not a multiple of ${alignment}`);
    if (s.offset < end) fail(`starts at ${s.offset}, inside the header or the previous section (ending at ${end})`);
    if (s.offset + s.length > fileLength) fail(`ends at ${s.offset + s.length}, past the end of the file (${fileLength} bytes)`);
    end = s.offset + s.length;
    if (s.kind !== 'tensor') return;
    const size = dtypeSize(s.dtype);
    if (size === undefined) {
      if (!VARIABLE_WIDTH_DTYPES.has(s.dtype)) fail(`has unknown dtype "${s.dtype}"`);
      return;
    }
    let elements = 1;
    for (const d of s.shape) elements *= d;
    if (!Number.isSafeInteger(elements) || elements * size !== s.length) {
      fail(`holds ${s.length} bytes, but a ${s.dtype} tensor of shape [${s.shape.join(', ')}] needs ${elements * size}`);
    }
  });
}
