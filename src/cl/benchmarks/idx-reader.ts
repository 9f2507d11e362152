import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { CheckpointError, UsageError } from '../../errors.js';

/**
 * The IDX file format of the MNIST distribution (LeCun et al.): two zero bytes, a type
 * code, the number of dimensions `n`, then `n` big-endian unsigned 32-bit sizes, then
 * the values in row-major order, big-endian.
 */
const IDX_TYPES = {
  0x08: { dtype: 'uint8', size: 1 },
  0x09: { dtype: 'int8', size: 1 },
  0x0b: { dtype: 'int16', size: 2 },
  0x0c: { dtype: 'int32', size: 4 },
  0x0d: { dtype: 'float32', size: 4 },
  0x0e: { dtype: 'float64', size: 8 },
} as const;

export type IdxDtype = (typeof IDX_TYPES)[keyof typeof IDX_TYPES]['dtype'];

/** A decoded IDX array. */
export interface IdxArray {
  dtype: IdxDtype;
  /** Dimensions; the first is the number of records (cut to `limit` when one was given). */
  shape: number[];
  data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

export interface IdxReadOptions {
  /** Read only the first `limit` records (along the first dimension). Default: all. */
  limit?: number;
  /** Named in error messages. */
  source?: string;
}

interface IdxHeader {
  dtype: IdxDtype;
  itemSize: number;
  shape: number[];
  headerBytes: number;
}

function badIdx(source: string, message: string): CheckpointError {
  return new CheckpointError('BAD_IDX', `${source}: ${message}`);
}

/** Parses and validates the header; `bytes` must hold at least the header. */
function parseHeader(bytes: Uint8Array, source: string): IdxHeader {
  if (bytes.length < 4) throw badIdx(source, `too short for an IDX header (${bytes.length} bytes, need at least 4)`);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw badIdx(source, `not an IDX file: the first two bytes are ${bytes[0]}, ${bytes[1]} instead of 0, 0`);
  }
  const type = IDX_TYPES[bytes[2] as keyof typeof IDX_TYPES];
  if (!type) throw badIdx(source, `unknown IDX type code 0x${bytes[2]!.toString(16)} (known: 08, 09, 0b, 0c, 0d, 0e)`);
  const ndims = bytes[3]!;
  if (ndims === 0) throw badIdx(source, 'an IDX array needs at least one dimension, the header says 0');
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) throw badIdx(source, `the header declares ${ndims} dimensions but the file ends after ${bytes.length} bytes`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  for (let d = 0; d < ndims; d++) shape.push(view.getUint32(4 + 4 * d, false));
  return { dtype: type.dtype, itemSize: type.size, shape, headerBytes };
}

/** Number of records to read and the byte length of their values; validates `limit`. */
function plan(header: IdxHeader, limit: number | undefined, source: string): { records: number; recordBytes: number } {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new UsageError('BAD_CONFIG', `${source}: limit must be a non-negative integer, got ${String(limit)}`);
  }
  const records = Math.min(header.shape[0]!, limit ?? Infinity);
  let recordBytes = header.itemSize;
  for (const d of header.shape.slice(1)) recordBytes *= d;
  return { records, recordBytes };
}

function decodeValues(header: IdxHeader, bytes: Uint8Array, count: number): IdxArray['data'] {
  if (header.dtype === 'uint8') {
    const owned = bytes.byteOffset === 0 && bytes.buffer.byteLength === count;
    return owned ? bytes : bytes.slice(0, count);
  }
  if (header.dtype === 'int8') return new Int8Array(bytes.slice(0, count).buffer);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (header.dtype) {
    case 'int16': {
      const out = new Int16Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt16(2 * i, false);
      return out;
    }
    case 'int32': {
      const out = new Int32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getInt32(4 * i, false);
      return out;
    }
    case 'float32': {
      const out = new Float32Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, false);
      return out;
    }
    case 'float64': {
      const out = new Float64Array(count);
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, false);
      return out;
    }
  }
}

/**
 * Decodes an IDX array held in memory. Inverse of writing the format; every size is
 * checked against the bytes present before anything is allocated.
 * @throws CheckpointError `BAD_IDX` when the bytes are not a complete IDX array.
 */
export function readIdx(bytes: Uint8Array, options: IdxReadOptions = {}): IdxArray {
  const source = options.source ?? 'IDX data';
  const header = parseHeader(bytes, source);
  const { records, recordBytes } = plan(header, options.limit, source);
  const needed = records * recordBytes;
  const available = bytes.length - header.headerBytes;
  if (available < needed) {
    throw badIdx(source, `truncated: ${records} records of ${recordBytes} bytes need ${needed} bytes of values, found ${available}`);
  }
  const values = bytes.subarray(header.headerBytes, header.headerBytes + needed);
  return { dtype: header.dtype, shape: [records, ...header.shape.slice(1)], data: decodeValues(header, values, needed / header.itemSize) };
}

/**
 * Reads an IDX file, only as far as the first `limit` records when a limit is given.
 * @throws CheckpointError `BAD_IDX` for a malformed or truncated file; the error of
 * `fs` when the file cannot be opened.
 */
export function readIdxFile(path: string, options: Omit<IdxReadOptions, 'source'> = {}): IdxArray {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    const head = new Uint8Array(Math.min(size, 4 + 4 * 255));
    readSync(fd, head, 0, head.length, 0);
    const header = parseHeader(head, path);
    const { records, recordBytes } = plan(header, options.limit, path);
    const needed = records * recordBytes;
    if (size - header.headerBytes < needed) {
      throw badIdx(path, `truncated: ${records} records of ${recordBytes} bytes need ${needed} bytes of values, found ${size - header.headerBytes}`);
    }
    const values = new Uint8Array(needed);
    let done = 0;
    while (done < needed) {
      const n = readSync(fd, values, done, needed - done, header.headerBytes + done);
      if (n === 0) throw badIdx(path, `the file ended while reading values (${done} of ${needed} bytes)`);
      done += n;
    }
    return { dtype: header.dtype, shape: [records, ...header.shape.slice(1)], data: decodeValues(header, values, needed / header.itemSize) };
  } finally {
    closeSync(fd);
  }
}
