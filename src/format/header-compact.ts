import { verifyRoot, type VerifiedTable } from './flatbuffers-verifier.js';
import { HEADER_SCHEMA, SECTION_KINDS, SectionSlot, sectionInfo, type HeaderInfo, type SectionInfo } from './header-layout.js';

/**
 * The header codec of the browser build (package.json `imports` `#header-codec`): what
 * ./header-flatbuffers.ts does with flatc's generated code and the `flatbuffers` runtime,
 * for the one schema (schema/checkpoint.fbs), in a fraction of the bytes. It writes
 * exactly as the runtime's `Builder` does — back to front, each scalar aligned to its
 * size, a vtable shared with an earlier identical one, `dtype`/`device` strings shared —
 * so both give the same bytes for the same header, and it reads only the positions
 * `verifyRoot` checked and returned. test/format/header-compact.test.ts holds the two equal
 * (generated headers, patched ones and corrupted ones). Closures rather than classes,
 * so that a minifier can shorten every name.
 */

/**
 * Builds the FlatBuffers header, the same bytes as the reference codec. Inverse of
 * {@link decodeHeader}. The builder is FlatBuffers' `Builder` reduced to what the header
 * needs: offsets count from the end of the buffer, which grows at the front.
 */
export function encodeHeader(info: HeaderInfo): Uint8Array {
  let bytes = new Uint8Array(256 + info.sections.length * 96);
  let view = new DataView(bytes.buffer);
  /** Free bytes in front of the data written so far. */
  let space = bytes.length;
  let minAlign = 1;
  /** The table being built: the offset of each field written, 0 for absent. */
  let fields: number[] = [];
  let tableStart = 0;
  const vtables: number[] = [];
  const shared = new Map<string, number>();
  const offset = (): number => bytes.length - space;

  /** Pads so that `size` bytes written after `additional` more are aligned to `size`; grows the buffer as needed. */
  const prep = (size: number, additional: number): void => {
    if (size > minAlign) minAlign = size;
    const pad = -(offset() + additional) & (size - 1);
    while (space < pad + size + additional) {
      const old = bytes;
      bytes = new Uint8Array(old.length * 2);
      bytes.set(old, old.length);
      view = new DataView(bytes.buffer);
      space += old.length;
    }
    for (let i = 0; i < pad; i++) bytes[--space] = 0;
  };
  /** Aligns and writes a little-endian scalar of `size` bytes (an 8-byte one from a bigint); returns its offset. */
  const scalar = (size: 1 | 2 | 4 | 8, value: number | bigint): number => {
    prep(size, 0);
    space -= size;
    if (size === 8) view.setBigInt64(space, value as bigint, true);
    else if (size === 4) view.setInt32(space, value as number, true);
    else if (size === 2) view.setInt16(space, value as number, true);
    else bytes[space] = value as number;
    return offset();
  };
  /** A reference to what was written at `target`, relative to where it is written. */
  const ref = (target: number): number => {
    prep(4, 0);
    return scalar(4, offset() - target + 4);
  };
  /** A field of the table being built, left out when it holds its default (0). */
  const field = (slot: number, size: 1 | 4 | 8, value: number | bigint): void => {
    if (value != 0) fields[slot] = scalar(size, value);
  };
  const refField = (slot: number, target: number): void => {
    if (target) fields[slot] = ref(target);
  };
  /** Aligns for a vector of `count` elements of `size` bytes, which the caller writes last to first, then `endVector`. */
  const startVector = (size: number, count: number): void => {
    prep(4, size * count);
    prep(size, size * count);
  };
  const endVector = (count: number): number => {
    view.setInt32((space -= 4), count, true);
    return offset();
  };
  const string = (s: string): number => {
    const utf8 = new TextEncoder().encode(s);
    scalar(1, 0);
    startVector(1, utf8.length);
    bytes.set(utf8, (space -= utf8.length));
    return endVector(utf8.length);
  };
  const sharedString = (s: string): number => {
    let at = shared.get(s);
    if (at === undefined) shared.set(s, (at = string(s)));
    return at;
  };
  const startTable = (count: number): void => {
    fields = new Array<number>(count).fill(0);
    tableStart = offset();
  };
  /** Writes the table's vtable, or points the table at an identical earlier one; returns the table's offset. */
  const endTable = (): number => {
    const table = scalar(4, 0);
    let used = fields.length;
    while (used > 0 && fields[used - 1] === 0) used--;
    for (let i = used - 1; i >= 0; i--) scalar(2, fields[i] ? table - fields[i]! : 0);
    scalar(2, table - tableStart);
    const length = (used + 2) * 2;
    scalar(2, length);
    const end = bytes.length;
    const same = vtables.find((other) => {
      for (let j = 0; j < length; j += 2) if (view.getInt16(end - other + j, true) !== view.getInt16(space + j, true)) return false;
      return true;
    });
    if (same !== undefined) {
      space = end - table;
      view.setInt32(space, same - table, true);
    } else {
      vtables.push(offset());
      view.setInt32(end - table, offset() - table, true);
    }
    return table;
  };
  const vectorOfRefs = (targets: readonly number[]): number => {
    startVector(4, targets.length);
    for (let i = targets.length - 1; i >= 0; i--) ref(targets[i]!);
    return endVector(targets.length);
  };

  const sectionOffsets = info.sections.map((s) => {
    // Shared: thousands of sections repeat "float32" and "cpu"; store each string once.
    const dtype = s.dtype ? sharedString(s.dtype) : 0;
    const device = s.device ? sharedString(s.device) : 0;
    let shape = 0;
    if (s.kind === 'tensor') {
      const dims = s.shape.map((d) => BigInt(d));
      startVector(8, dims.length);
      for (let d = dims.length - 1; d >= 0; d--) scalar(8, dims[d]!);
      shape = endVector(dims.length);
    }
    startTable(7);
    field(SectionSlot.KIND, 1, SECTION_KINDS.indexOf(s.kind));
    field(SectionSlot.OFFSET, 8, BigInt(s.offset));
    field(SectionSlot.LENGTH, 8, BigInt(s.length));
    field(SectionSlot.CRC32C, 4, s.crc32c);
    refField(SectionSlot.DTYPE, dtype);
    refField(SectionSlot.SHAPE, shape);
    refField(SectionSlot.DEVICE, device);
    return endTable();
  });
  const metadataOffsets = Object.keys(info.metadata)
    .sort()
    .map((key) => {
      const k = string(key);
      const v = string(info.metadata[key]!);
      startTable(2);
      refField(0, k);
      refField(1, v);
      return endTable();
    });
  const writer = string(info.writer);
  const backend = string(info.backend);
  const sections = vectorOfRefs(sectionOffsets);
  const metadata = vectorOfRefs(metadataOffsets);
  startTable(5);
  field(0, 4, info.formatVersion);
  refField(1, writer);
  refField(2, backend);
  refField(3, sections);
  refField(4, metadata);
  const root = endTable();
  prep(minAlign, 4);
  ref(root);
  return bytes.subarray(space);
}

type Verified = VerifiedTable;

/** Where each section's field `slot` is in a header this codec (or the reference) wrote; 0 where absent. */
function sectionFields(header: Uint8Array, slot: SectionSlot): number[] {
  return (verifyRoot(header, HEADER_SCHEMA)[3] as Verified[]).map((s) => s[slot] as number);
}

/**
 * Writes each section's final offset into an encoded header in place (every offset field
 * is present: the header was built with non-zero placeholders).
 */
export function patchSectionOffsets(header: Uint8Array, offsets: readonly number[]): void {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  sectionFields(header, SectionSlot.OFFSET).forEach((at, i) => {
    if (at === 0) throw new Error('internal: section offset field missing');
    view.setBigUint64(at, BigInt(offsets[i]!), true);
  });
}

/**
 * Writes each section's CRC-32C into an encoded header in place; false (nothing written)
 * when a zero CRC would have to go where a field is, or the reverse: the caller then
 * builds the header anew.
 */
export function patchSectionCrcs(header: Uint8Array, crcs: readonly number[]): boolean {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  const at = sectionFields(header, SectionSlot.CRC32C);
  if (at.some((p, i) => (p === 0) !== (crcs[i] === 0))) return false;
  at.forEach((p, i) => p && view.setUint32(p, crcs[i]!, true));
  return true;
}

/**
 * Verifies and decodes the FlatBuffers header. Inverse of {@link encodeHeader}. It reads
 * only the positions `verifyRoot` checked and returned.
 * @throws CheckpointFormatError (`BAD_HEADER`) naming the byte where it is invalid.
 */
export function decodeHeader(bytes: Uint8Array, baseOffset: number): HeaderInfo {
  const [version, writer, backend, sections, metadata] = verifyRoot(bytes, HEADER_SCHEMA, baseOffset) as [number, number, number, Verified[], Verified[]];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (at: number): number => view.getUint32(at, true);
  // Strings are shared between sections; decode each one once, by its position.
  const decoded = new Map<number, string>();
  const string = (at: number): string => {
    if (!at) return '';
    let s = decoded.get(at);
    if (s === undefined) decoded.set(at, (s = new TextDecoder().decode(bytes.subarray(at + 4, at + 4 + u32(at)))));
    return s;
  };
  const u64 = (at: number): bigint => (at ? view.getBigUint64(at, true) : 0n);
  const infos: SectionInfo[] = sections.map((s, i) => {
    const [kind, offset, length, crc, dtype, shape, device] = s as number[];
    return sectionInfo(i, {
      kind: kind && view.getUint8(kind),
      offset: u64(offset!),
      length: u64(length!),
      crc32c: crc && u32(crc),
      rank: shape && u32(shape),
      dim: (d) => view.getBigInt64(shape! + 4 + 8 * d, true),
      dtype: string(dtype!),
      device: string(device!),
    }, baseOffset);
  });
  const entries: Record<string, string> = Object.create(null);
  for (const [key, value] of metadata as number[][]) entries[string(key!)] = string(value!);
  return { formatVersion: version && u32(version), writer: string(writer), backend: string(backend), sections: infos, metadata: entries };
}
