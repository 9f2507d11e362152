import { crc32c } from '@node-rs/crc32';

/**
 * TFRecord framing, as TensorFlow's `RecordWriter` writes and TensorBoard reads:
 *
 * | bytes | field |
 * |---|---|
 * | 8 | `length`: the data's length, unsigned little-endian 64-bit |
 * | 4 | masked CRC32C of those 8 bytes, unsigned little-endian 32-bit |
 * | `length` | the data |
 * | 4 | masked CRC32C of the data, unsigned little-endian 32-bit |
 *
 * A masked CRC is `((crc >>> 15) | (crc << 17)) + 0xa282ead8` modulo 2^32.
 */
export const TFRECORD_HEADER_BYTES = 12;
export const TFRECORD_FOOTER_BYTES = 4;
const MASK_DELTA = 0xa282ead8;

/** The masked CRC32C of `bytes`, as TFRecord stores it. */
export function maskedCrc32c(bytes: Uint8Array): number {
  const crc = crc32c(bytes) >>> 0;
  return (((crc >>> 15) | (crc << 17)) + MASK_DELTA) >>> 0;
}

/** Frames `data` as one TFRecord. Inverse: `readTfRecords` (tfrecord-reader.ts). */
export function encodeTfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(TFRECORD_HEADER_BYTES + data.length + TFRECORD_FOOTER_BYTES);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, TFRECORD_HEADER_BYTES);
  view.setUint32(TFRECORD_HEADER_BYTES + data.length, maskedCrc32c(data), true);
  return out;
}
