import { CheckpointFormatError } from '../errors.js';
import { MAX_RANK, type SectionKindName } from './sections.js';
import type { TableSchema } from './flatbuffers-verifier.js';

/**
 * What both header codecs share: the decoded shapes, schema/checkpoint.fbs as the
 * verifier's tables, and the checks made on each decoded section. The codecs themselves:
 * ./header-flatbuffers.ts (Node: flatc's generated code and the `flatbuffers` runtime,
 * the reference) and ./header-compact.ts (browsers: the same bytes without the runtime);
 * package.json `imports` `#header-codec` picks one.
 */

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

/** `SectionKind` of schema/checkpoint.fbs, by value. */
export const SECTION_KINDS: readonly SectionKindName[] = ['graph', 'bytes', 'tensor'];

/** vtable slots of Section's fields (schema order); a field's vtable offset is 4 + 2 × slot. */
export const enum SectionSlot {
  KIND,
  OFFSET,
  LENGTH,
  CRC32C,
  DTYPE,
  SHAPE,
  DEVICE,
}

const SECTION_SCHEMA: TableSchema = {
  name: 'Section',
  fields: [{ scalar: 1 }, { scalar: 8 }, { scalar: 8 }, { scalar: 4 }, { string: true }, { vector: 8 }, { string: true }],
};
const KEY_VALUE_SCHEMA: TableSchema = { name: 'KeyValue', fields: [{ string: true, required: true }, { string: true }] };
export const HEADER_SCHEMA: TableSchema = {
  name: 'Header',
  fields: [{ scalar: 4 }, { string: true }, { string: true }, { tables: SECTION_SCHEMA }, { tables: KEY_VALUE_SCHEMA }],
};

function safeNumber(value: bigint, what: string, at: number): number {
  if (value < 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new CheckpointFormatError('BAD_HEADER', `${what} ${value} is out of range`, { offset: at });
  }
  return Number(value);
}

/** Section `i` of a verified header, as the codecs read its fields. */
export interface RawSection {
  kind: number;
  offset: bigint;
  length: bigint;
  crc32c: number;
  rank: number;
  dim(d: number): bigint;
  dtype: string;
  device: string;
}

/**
 * Checks section `i` as read from the header and converts it.
 * @throws CheckpointFormatError (`BAD_HEADER`) for an unknown kind, a rank above
 *   `MAX_RANK`, or an offset, length or dimension that is negative or above 2^53 − 1.
 */
export function sectionInfo(i: number, raw: RawSection, baseOffset: number): SectionInfo {
  const kind = SECTION_KINDS[raw.kind];
  if (kind === undefined) {
    throw new CheckpointFormatError('BAD_HEADER', `section ${i} has unknown kind ${raw.kind}`, { offset: baseOffset });
  }
  if (raw.rank > MAX_RANK) {
    throw new CheckpointFormatError('BAD_HEADER', `section ${i} has rank ${raw.rank}, above the limit ${MAX_RANK}`, { offset: baseOffset });
  }
  const shape: number[] = [];
  for (let d = 0; d < raw.rank; d++) shape.push(safeNumber(raw.dim(d), `section ${i} dimension ${d}`, baseOffset));
  return {
    kind,
    offset: safeNumber(raw.offset, `section ${i} offset`, baseOffset),
    length: safeNumber(raw.length, `section ${i} length`, baseOffset),
    crc32c: raw.crc32c >>> 0,
    dtype: raw.dtype,
    shape,
    device: raw.device,
  };
}
