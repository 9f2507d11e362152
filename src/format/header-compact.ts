import { verifyRoot } from './flatbuffers-verifier.js';
import { HEADER_SCHEMA, SECTION_KINDS, SectionSlot, sectionInfo, type HeaderInfo, type SectionInfo } from './header-layout.js';

/**
 * The header codec of the browser build (package.json `imports` `#header-codec`): what
 * ./header-flatbuffers.ts does with flatc's generated code and the `flatbuffers` runtime,
 * for the one schema (schema/checkpoint.fbs), in a fraction of the bytes. It writes
 * exactly as the runtime's `Builder` does — back to front, each scalar aligned to its
 * size, a vtable shared with an earlier identical one, `dtype`/`device` strings shared —
 * so both give the same bytes for the same header, and it reads only what
 * `verifyRoot` has checked. test/format/header-compact.test.ts holds the two equal
 * (generated headers and corrupted ones).
 */

/** FlatBuffers' `Builder`, reduced to what the header needs: offsets count from the end of the buffer. */
class BackToFront {
  bytes = new Uint8Array(256);
  view = new DataView(this.bytes.buffer);
  /** Free bytes in front of the data written so far. */
  space = 256;
  minAlign = 1;
  fields: number[] = [];
  objectStart = 0;
  vtables: number[] = [];
  shared = new Map<string, number>();

  offset(): number {
    return this.bytes.length - this.space;
  }

  /** Pads so that `size` bytes written after `additional` more are aligned to `size`; grows the buffer as needed. */
  prep(size: number, additional: number): void {
    if (size > this.minAlign) this.minAlign = size;
    const pad = (-(this.offset() + additional)) & (size - 1);
    while (this.space < pad + size + additional) {
      const old = this.bytes;
      this.bytes = new Uint8Array(old.length * 2);
      this.bytes.set(old, old.length);
      this.view = new DataView(this.bytes.buffer);
      this.space += old.length;
    }
    for (let i = 0; i < pad; i++) this.bytes[--this.space] = 0;
  }

  /** Aligns and writes a little-endian scalar of `size` bytes (an 8-byte one is a bigint); returns its offset. */
  scalar(size: 1 | 2 | 4 | 8, value: number | bigint): number {
    this.prep(size, 0);
    this.space -= size;
    if (size === 8) this.view.setBigInt64(this.space, BigInt(value), true);
    else if (size === 4) this.view.setInt32(this.space, Number(value), true);
    else if (size === 2) this.view.setInt16(this.space, Number(value), true);
    else this.bytes[this.space] = Number(value);
    return this.offset();
  }

  /** A reference to what was written at `offset`, relative to where it is written. */
  ref(offset: number): number {
    this.prep(4, 0);
    return this.scalar(4, this.offset() - offset + 4);
  }

  /** A field of the table being built, left out when it holds its default (0). */
  field(slot: number, size: 1 | 4 | 8, value: number | bigint): void {
    if (value != 0) this.fields[slot] = this.scalar(size, value);
  }

  refField(slot: number, offset: number): void {
    if (offset) this.fields[slot] = this.ref(offset);
  }

  /** Aligns for a vector of `count` elements of `size` bytes, which the caller writes last to first, then {@link endVector}. */
  startVector(size: number, count: number): void {
    this.prep(4, size * count);
    this.prep(size, size * count);
  }

  endVector(count: number): number {
    this.space -= 4;
    this.view.setInt32(this.space, count, true);
    return this.offset();
  }

  string(s: string): number {
    const utf8 = new TextEncoder().encode(s);
    this.scalar(1, 0);
    this.startVector(1, utf8.length);
    this.bytes.set(utf8, (this.space -= utf8.length));
    return this.endVector(utf8.length);
  }

  sharedString(s: string): number {
    let at = this.shared.get(s);
    if (at === undefined) this.shared.set(s, (at = this.string(s)));
    return at;
  }

  startTable(fields: number): void {
    this.fields = new Array<number>(fields).fill(0);
    this.objectStart = this.offset();
  }

  /** Writes the table's vtable, or points it at an identical earlier one; returns the table's offset. */
  endTable(): number {
    const table = this.scalar(4, 0);
    let used = this.fields.length;
    while (used > 0 && this.fields[used - 1] === 0) used--;
    for (let i = used - 1; i >= 0; i--) this.scalar(2, this.fields[i] ? table - this.fields[i]! : 0);
    this.scalar(2, table - this.objectStart);
    const length = (used + 2) * 2;
    this.scalar(2, length);
    const vtable = this.space;
    const end = this.bytes.length;
    const same = this.vtables.find((other) => {
      for (let j = 0; j < length; j += 2) if (this.view.getInt16(end - other + j, true) !== this.view.getInt16(vtable + j, true)) return false;
      return true;
    });
    if (same !== undefined) {
      this.space = end - table;
      this.view.setInt32(this.space, same - table, true);
    } else {
      this.vtables.push(this.offset());
      this.view.setInt32(end - table, this.offset() - table, true);
    }
    return table;
  }

  vectorOfRefs(offsets: readonly number[]): number {
    this.startVector(4, offsets.length);
    for (let i = offsets.length - 1; i >= 0; i--) this.ref(offsets[i]!);
    return this.endVector(offsets.length);
  }
}

/** Builds the FlatBuffers header, the same bytes as the reference codec. Inverse of {@link decodeHeader}. */
export function encodeHeader(info: HeaderInfo): Uint8Array {
  const b = new BackToFront();
  const sectionOffsets = info.sections.map((s) => {
    const dtype = s.dtype ? b.sharedString(s.dtype) : 0;
    const device = s.device ? b.sharedString(s.device) : 0;
    let shape = 0;
    if (s.kind === 'tensor') {
      b.startVector(8, s.shape.length);
      for (let d = s.shape.length - 1; d >= 0; d--) b.scalar(8, BigInt(s.shape[d]!));
      shape = b.endVector(s.shape.length);
    }
    b.startTable(7);
    b.field(SectionSlot.KIND, 1, SECTION_KINDS.indexOf(s.kind));
    b.field(SectionSlot.OFFSET, 8, BigInt(s.offset));
    b.field(SectionSlot.LENGTH, 8, BigInt(s.length));
    b.field(SectionSlot.CRC32C, 4, s.crc32c);
    b.refField(SectionSlot.DTYPE, dtype);
    b.refField(SectionSlot.SHAPE, shape);
    b.refField(SectionSlot.DEVICE, device);
    return b.endTable();
  });
  const metadataOffsets = Object.keys(info.metadata)
    .sort()
    .map((key) => {
      const k = b.string(key);
      const v = b.string(info.metadata[key]!);
      b.startTable(2);
      b.refField(0, k);
      b.refField(1, v);
      return b.endTable();
    });
  const writer = b.string(info.writer);
  const backend = b.string(info.backend);
  const sections = b.vectorOfRefs(sectionOffsets);
  const metadata = b.vectorOfRefs(metadataOffsets);
  b.startTable(5);
  b.field(0, 4, info.formatVersion);
  b.refField(1, writer);
  b.refField(2, backend);
  b.refField(3, sections);
  b.refField(4, metadata);
  const root = b.endTable();
  b.prep(b.minAlign, 4);
  b.ref(root);
  return b.bytes.subarray(b.space);
}

/** Reads a header that `verifyRoot` accepted: every position it follows was checked. */
class HeaderReader {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  u32(at: number): number {
    return this.view.getUint32(at, true);
  }

  /** Absolute position of field `slot` of the table at `table`; 0 when absent. */
  field(table: number, slot: number): number {
    const vtable = table - this.view.getInt32(table, true);
    const at = 4 + 2 * slot < this.view.getUint16(vtable, true) ? this.view.getUint16(vtable + 4 + 2 * slot, true) : 0;
    return at && table + at;
  }

  /** Where the reference stored at field `slot` points; 0 when the field is absent. */
  target(table: number, slot: number): number {
    const at = this.field(table, slot);
    return at && at + this.u32(at);
  }

  /** The tables of the vector at field `slot`. */
  tables(table: number, slot: number): number[] {
    const vector = this.target(table, slot);
    const out: number[] = [];
    for (let i = 0, n = vector && this.u32(vector); i < n; i++) {
      const at = vector + 4 + 4 * i;
      out.push(at + this.u32(at));
    }
    return out;
  }

  /** The string at `target` (see {@link target}); `""` for 0. */
  string(target: number, decoded?: Map<number, string>): string {
    if (!target) return '';
    let s = decoded?.get(target);
    if (s === undefined) {
      s = new TextDecoder().decode(this.bytes.subarray(target + 4, target + 4 + this.u32(target)));
      decoded?.set(target, s);
    }
    return s;
  }

  sections(): number[] {
    return this.tables(this.u32(0), 3);
  }
}

function patch(header: Uint8Array, slot: SectionSlot, count: number): number[] {
  const r = new HeaderReader(header);
  return r.sections().slice(0, count).map((s) => r.field(s, slot));
}

/**
 * Writes each section's final offset into an encoded header in place (every offset field
 * is present: the header was built with non-zero placeholders).
 */
export function patchSectionOffsets(header: Uint8Array, offsets: readonly number[]): void {
  const view = new DataView(header.buffer, header.byteOffset, header.byteLength);
  patch(header, SectionSlot.OFFSET, offsets.length).forEach((at, i) => {
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
  const at = patch(header, SectionSlot.CRC32C, crcs.length);
  if (at.some((p, i) => (p === 0) !== (crcs[i] === 0))) return false;
  at.forEach((p, i) => p && view.setUint32(p, crcs[i]!, true));
  return true;
}

/**
 * Verifies and decodes the FlatBuffers header. Inverse of {@link encodeHeader}.
 * @throws CheckpointFormatError (`BAD_HEADER`) naming the byte where it is invalid.
 */
export function decodeHeader(bytes: Uint8Array, baseOffset: number): HeaderInfo {
  verifyRoot(bytes, HEADER_SCHEMA, baseOffset);
  const r = new HeaderReader(bytes);
  const v = r.view;
  const root = r.u32(0);
  const decoded = new Map<number, string>();
  const sections: SectionInfo[] = r.sections().map((s, i) => {
    const at = (slot: SectionSlot) => r.field(s, slot);
    const shape = r.target(s, SectionSlot.SHAPE);
    return sectionInfo(i, {
      kind: at(SectionSlot.KIND) && v.getUint8(at(SectionSlot.KIND)),
      offset: at(SectionSlot.OFFSET) ? v.getBigUint64(at(SectionSlot.OFFSET), true) : 0n,
      length: at(SectionSlot.LENGTH) ? v.getBigUint64(at(SectionSlot.LENGTH), true) : 0n,
      crc32c: at(SectionSlot.CRC32C) && r.u32(at(SectionSlot.CRC32C)),
      rank: shape && r.u32(shape),
      dim: (d) => v.getBigInt64(shape + 4 + 8 * d, true),
      dtype: r.string(r.target(s, SectionSlot.DTYPE), decoded),
      device: r.string(r.target(s, SectionSlot.DEVICE), decoded),
    }, baseOffset);
  });
  const metadata: Record<string, string> = Object.create(null);
  for (const kv of r.tables(root, 4)) metadata[r.string(r.target(kv, 0))] = r.string(r.target(kv, 1));
  const version = r.field(root, 0);
  return {
    formatVersion: version && r.u32(version),
    writer: r.string(r.target(root, 1)),
    backend: r.string(r.target(root, 2)),
    sections,
    metadata,
  };
}
