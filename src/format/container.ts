import { isNodeBuffer } from '../platform.js';
import { CheckpointFormatError, UnsupportedVersionError } from '../errors.js';
import { crc32c } from './checksum.js';
import { BASE_FORMAT_VERSION, FORMAT_VERSION, MAGIC, MAX_HEADER_SIZE, PREAMBLE_SIZE, SECTION_ALIGNMENT } from './constants.js';
import { decodeHeader, encodeHeader, patchSectionOffsets, validateSections, type HeaderInfo, type SectionInfo } from './header.js';
import { isDeferredBytes, type SectionKindName, type SectionPayload } from './sections.js';

export type { SectionPayload };

export interface ContainerInput {
  /** The graph stream; becomes section 0. */
  graph: Uint8Array;
  sections: readonly SectionPayload[];
  writer: string;
  backend: string;
  metadata?: Readonly<Record<string, string>>;
  /** The version written: `FORMAT_VERSION` when a section holds packed tensors. Default `BASE_FORMAT_VERSION`. */
  formatVersion?: number;
}

/**
 * A checkpoint as the list of byte ranges to write in order (preamble and header,
 * padding, each section's own bytes — not copied), so that a file write can hand them
 * to `writev` and an in-memory result can concatenate them once.
 */
export interface PackedContainer {
  chunks: Uint8Array[];
  byteLength: number;
}

const ZEROS = new Uint8Array(SECTION_ALIGNMENT);

function alignUp(n: number): number {
  return Math.ceil(n / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
}

/** A section to lay out: a data section's payload, or the graph stream. */
export type LaidOutPayload = Omit<SectionPayload, 'kind'> & { kind: SectionKindName };

/** Where every section of a container goes, with the header that says so. */
export interface ContainerLayout {
  /** The graph stream, then the data sections, as given. */
  payloads: readonly LaidOutPayload[];
  /** The header's view of each payload, offsets set. */
  sections: SectionInfo[];
  /** The encoded header, offsets patched in. */
  header: Uint8Array;
  byteLength: number;
  formatVersion: number;
}

/**
 * Lays a container out: the header and each section's offset. With `crcs` (one per
 * payload, the graph's first) the header holds them; without, it holds a non-zero
 * placeholder for every non-empty section, to be patched in with `patchSectionCrcs`
 * once the bytes have been read. Either way the offsets depend on the lengths only.
 */
export function layoutContainer(input: ContainerInput, crcs?: readonly number[]): ContainerLayout {
  const payloads: LaidOutPayload[] = [{ kind: 'graph', data: input.graph }, ...input.sections];
  const sections: SectionInfo[] = payloads.map((p, i) => ({
    kind: p.kind,
    offset: SECTION_ALIGNMENT, // placeholder: non-zero so the header's size does not change when set
    length: p.data.byteLength,
    crc32c: crcs ? crcs[i]! : p.data.byteLength > 0 ? 1 : 0,
    dtype: p.dtype ?? '',
    shape: p.shape ? [...p.shape] : [],
    device: p.device ?? '',
  }));
  const header = encodeHeader({
    formatVersion: input.formatVersion ?? BASE_FORMAT_VERSION,
    writer: input.writer,
    backend: input.backend,
    sections,
    metadata: { ...(input.metadata ?? {}) },
  });
  let offset = alignUp(PREAMBLE_SIZE + header.byteLength);
  for (const s of sections) {
    s.offset = offset;
    offset = alignUp(offset + s.length);
  }
  patchSectionOffsets(header, sections.map((s) => s.offset));
  const last = sections[sections.length - 1]!;
  return { payloads, sections, header, byteLength: last.offset + last.length, formatVersion: input.formatVersion ?? BASE_FORMAT_VERSION };
}

/** The 32-byte preamble in front of `header` in a file of `byteLength` bytes. */
export function encodePreamble(header: Uint8Array, byteLength: number, formatVersion: number): Uint8Array {
  const preamble = new Uint8Array(PREAMBLE_SIZE);
  const view = new DataView(preamble.buffer);
  preamble.set(MAGIC, 0);
  view.setUint32(8, formatVersion, true);
  view.setUint32(12, header.byteLength, true);
  view.setUint32(16, crc32c(header), true);
  view.setUint32(20, 0, true);
  view.setBigUint64(24, BigInt(byteLength), true);
  return preamble;
}

/** The zero bytes between the end of one section (or the header) at `from` and the next section at `to`. */
export function padding(from: number, to: number): Uint8Array {
  return ZEROS.subarray(0, to - from);
}

/**
 * Lays out preamble, FlatBuffers header and 64-byte aligned sections. Inverse of
 * {@link openContainer}. Computes every section's CRC-32C; deferred section bytes are
 * read at once (`writeContainer` reads them while it writes).
 */
export function packContainer(input: ContainerInput): PackedContainer {
  const resolved = { ...input, sections: input.sections.map((s) => (isDeferredBytes(s.data) ? { ...s, data: s.data.readSync() } : s)) };
  const crcs = [crc32c(input.graph), ...resolved.sections.map((s) => crc32c(s.data as Uint8Array))];
  const { payloads, sections, header, byteLength, formatVersion } = layoutContainer(resolved, crcs);
  const chunks: Uint8Array[] = [encodePreamble(header, byteLength, formatVersion), header];
  let position = PREAMBLE_SIZE + header.byteLength;
  payloads.forEach((p, i) => {
    const data = p.data as Uint8Array;
    if (sections[i]!.offset > position) chunks.push(padding(position, sections[i]!.offset));
    if (data.byteLength > 0) chunks.push(data);
    position = sections[i]!.offset + data.byteLength;
  });
  return { chunks, byteLength };
}

/** Concatenates a packed container into one buffer (the only copy `serialize` makes). */
export function concatChunks(packed: PackedContainer): Uint8Array {
  const out = new Uint8Array(packed.byteLength);
  let at = 0;
  for (const c of packed.chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** A verified checkpoint: its header and views of its sections (no copies). */
export interface OpenedContainer {
  header: HeaderInfo;
  /** The graph stream (section 0). */
  graph: Uint8Array;
  /** A view of section `index`'s bytes. */
  section(index: number): Uint8Array;
}

export interface OpenOptions {
  /** Verify every section's CRC-32C before returning. Default true. */
  verifyChecksums?: boolean;
}

/**
 * Verifies a checkpoint's preamble, header and sections, in that order, checking every
 * length and offset against the bytes that exist before reading what they point at.
 * Inverse of {@link packContainer}.
 * @throws CheckpointFormatError (codes `TRUNCATED`, `BAD_MAGIC`, `BAD_VERSION`,
 *   `TRAILING_BYTES`, `HEADER_CHECKSUM`, `BAD_HEADER`, `BAD_SECTION`, `BAD_PADDING`, `SECTION_CHECKSUM`)
 *   or UnsupportedVersionError for a newer format.
 */
export function openContainer(input: Uint8Array, options: OpenOptions = {}): OpenedContainer {
  // A plain Uint8Array view: `Buffer#slice` aliases instead of copying, which would let
  // a decoder's "copy" of a section keep (and expose) the whole file.
  const bytes = isNodeBuffer(input) ? new Uint8Array(input.buffer, input.byteOffset, input.byteLength) : input;
  const { headerLength, headerCrc, version } = checkPreamble(bytes.subarray(0, PREAMBLE_SIZE), bytes.byteLength);
  const header = checkHeader(bytes.subarray(PREAMBLE_SIZE, PREAMBLE_SIZE + headerLength), headerCrc, bytes.byteLength, version);
  let gapStart = PREAMBLE_SIZE + headerLength;
  for (const s of header.sections) {
    checkZeroPadding(bytes, gapStart, s.offset);
    gapStart = s.offset + s.length;
  }
  const views = header.sections.map((s) => bytes.subarray(s.offset, s.offset + s.length));
  if (options.verifyChecksums ?? true) {
    header.sections.forEach((s, i) => checkSectionCrc(s, i, crc32c(views[i]!)));
  }
  return {
    header,
    graph: views[0]!,
    section(index: number): Uint8Array {
      const v = views[index];
      if (v === undefined || index === 0) {
        throw new CheckpointFormatError('BAD_SECTION', `section ${index} does not exist (the file has ${views.length - 1} data sections)`);
      }
      return v;
    },
  };
}

/**
 * Checks the 32-byte preamble of a file of `fileSize` bytes (`bytes` holds its first
 * `min(32, fileSize)` bytes) and returns the header's length and checksum.
 * Shared by {@link openContainer} and `readContainer`, so both refuse the same files
 * with the same codes.
 */
export function checkPreamble(bytes: Uint8Array, fileSize: number): { headerLength: number; headerCrc: number; version: number } {
  if (bytes.byteLength < MAGIC.length || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new CheckpointFormatError(
      bytes.byteLength < MAGIC.length ? 'TRUNCATED' : 'BAD_MAGIC',
      `not a reprise checkpoint: the first bytes are ${hex(bytes.subarray(0, 8))}, expected ${hex(MAGIC)}`,
      { offset: 0 },
    );
  }
  if (fileSize < PREAMBLE_SIZE) {
    throw new CheckpointFormatError('TRUNCATED', `checkpoint truncated: ${fileSize} bytes, shorter than the ${PREAMBLE_SIZE}-byte preamble`, { offset: fileSize });
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_SIZE);
  const version = view.getUint32(8, true);
  if (version > FORMAT_VERSION) throw new UnsupportedVersionError(version, FORMAT_VERSION);
  if (version === 0) throw new CheckpointFormatError('BAD_VERSION', 'format version 0 does not exist', { offset: 8 });
  const headerLength = view.getUint32(12, true);
  const declaredLength = view.getBigUint64(24, true);
  if (view.getUint32(20, true) !== 0) {
    throw new CheckpointFormatError('BAD_HEADER', 'reserved preamble bytes 20..24 are not zero', { offset: 20 });
  }
  if (declaredLength > BigInt(fileSize)) {
    throw new CheckpointFormatError('TRUNCATED', `checkpoint truncated: ${fileSize} bytes of the ${declaredLength} its preamble declares`, { offset: fileSize });
  }
  if (declaredLength < BigInt(fileSize)) {
    throw new CheckpointFormatError('TRAILING_BYTES', `checkpoint has ${fileSize} bytes but its preamble declares ${declaredLength}`, { offset: Number(declaredLength) });
  }
  if (headerLength > MAX_HEADER_SIZE || PREAMBLE_SIZE + headerLength > fileSize) {
    throw new CheckpointFormatError('BAD_HEADER', `header length ${headerLength} does not fit in a ${fileSize}-byte file`, { offset: 12 });
  }
  return { headerLength, headerCrc: view.getUint32(16, true), version };
}

/**
 * Checks the header's checksum, decodes it and validates its sections against a file of
 * `fileSize` bytes, and its format version against the preamble's `preambleVersion`.
 */
export function checkHeader(headerBytes: Uint8Array, storedCrc: number, fileSize: number, preambleVersion?: number): HeaderInfo {
  const headerCrc = crc32c(headerBytes);
  if (headerCrc !== storedCrc) {
    throw new CheckpointFormatError('HEADER_CHECKSUM', `header checksum mismatch: stored ${storedCrc.toString(16)}, computed ${headerCrc.toString(16)}`, { offset: PREAMBLE_SIZE });
  }
  const header = decodeHeader(headerBytes, PREAMBLE_SIZE);
  if (preambleVersion !== undefined && header.formatVersion !== preambleVersion) {
    throw new CheckpointFormatError('BAD_HEADER', `header says format version ${header.formatVersion}, preamble says ${preambleVersion}`);
  }
  validateSections(header, PREAMBLE_SIZE + headerBytes.byteLength, fileSize, SECTION_ALIGNMENT);
  return header;
}

/** @throws CheckpointFormatError `SECTION_CHECKSUM` when `computed` is not section `index`'s stored CRC-32C. */
export function checkSectionCrc(s: SectionInfo, index: number, computed: number): void {
  if (computed !== s.crc32c) {
    throw new CheckpointFormatError('SECTION_CHECKSUM', `section ${index} (${s.kind}) checksum mismatch: stored ${s.crc32c.toString(16)}, computed ${computed.toString(16)}`, { offset: s.offset });
  }
}

/** Padding is covered by no checksum, so it must be zero: then every flipped bit of a file is caught. */
function checkZeroPadding(bytes: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== 0) throw new CheckpointFormatError('BAD_PADDING', `padding byte is ${bytes[i]}, expected 0`, { offset: i });
  }
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}
