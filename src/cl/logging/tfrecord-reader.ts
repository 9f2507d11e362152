import * as fs from 'node:fs';
import { CheckpointError } from '../../errors.js';
import { decodeTfEvent, type TfEvent } from './tf-event.js';
import { maskedCrc32c, TFRECORD_FOOTER_BYTES, TFRECORD_HEADER_BYTES } from './tfrecord.js';

/** One record as read: where its header starts in the file, and its data (a view, no copy). */
export interface TfRecord {
  offset: number;
  data: Uint8Array;
}

/** An event with the offset of its record, so a caller can say where it came from. */
export interface TfEventRecord extends TfEvent {
  offset: number;
}

export interface ReadTfRecordsOptions {
  /**
   * Accept a last record that ends before its declared size (a writer still writing, or
   * killed mid-write) by stopping before it, as TensorBoard does. Default `false`: a
   * truncated record is a `TFRECORD_TRUNCATED` error.
   */
  allowTruncatedTail?: boolean;
}

function u64le(bytes: Uint8Array, at: number): bigint {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 8).getBigUint64(0, true);
}

function u32le(bytes: Uint8Array, at: number): number {
  return new DataView(bytes.buffer, bytes.byteOffset + at, 4).getUint32(0, true);
}

const hex = (n: number) => `0x${n.toString(16).padStart(8, '0')}`;

/**
 * Splits TFRecord bytes into records, verifying both checksums of each before its
 * data is used: the length's CRC before the length is trusted, the data's CRC before
 * the data is returned. The length is checked against the bytes that exist, so a lying
 * length cannot cause an allocation or a read past the end.
 *
 * Inverse: `encodeTfRecord`. Throws `CheckpointError` with code
 * `TFRECORD_CORRUPT` (a checksum mismatch) or `TFRECORD_TRUNCATED` (a record ending
 * early, unless `allowTruncatedTail`); each message ends in `[byte N]`, the offset of
 * the bad field in `bytes`.
 */
export function readTfRecords(bytes: Uint8Array, options: ReadTfRecordsOptions = {}): TfRecord[] {
  const records: TfRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    const remaining = bytes.length - at;
    if (remaining < TFRECORD_HEADER_BYTES) {
      if (options.allowTruncatedTail) break;
      throw new CheckpointError(
        'TFRECORD_TRUNCATED',
        `TFRecord at byte ${at} has ${remaining} bytes, fewer than its 12-byte header; the file ends mid-record [byte ${at}]`,
      );
    }
    const lengthBytes = bytes.subarray(at, at + 8);
    const storedLengthCrc = u32le(bytes, at + 8);
    const lengthCrc = maskedCrc32c(lengthBytes);
    if (storedLengthCrc !== lengthCrc) {
      throw new CheckpointError(
        'TFRECORD_CORRUPT',
        `TFRecord at byte ${at}: the checksum of its length does not match (stored ${hex(storedLengthCrc)}, ` +
          `computed ${hex(lengthCrc)}); the file is corrupted from here on [byte ${at + 8}]`,
      );
    }
    const length = u64le(bytes, at);
    const available = BigInt(remaining - TFRECORD_HEADER_BYTES - TFRECORD_FOOTER_BYTES);
    if (length > available) {
      if (options.allowTruncatedTail) break;
      throw new CheckpointError(
        'TFRECORD_TRUNCATED',
        `TFRecord at byte ${at} declares ${length} bytes of data, but the file holds only ${remaining} bytes from there; ` +
          `it ends mid-record [byte ${at}]`,
      );
    }
    const n = Number(length);
    const dataAt = at + TFRECORD_HEADER_BYTES;
    const data = bytes.subarray(dataAt, dataAt + n);
    const storedDataCrc = u32le(bytes, dataAt + n);
    const dataCrc = maskedCrc32c(data);
    if (storedDataCrc !== dataCrc) {
      throw new CheckpointError(
        'TFRECORD_CORRUPT',
        `TFRecord at byte ${at}: the checksum of its ${n} data bytes does not match (stored ${hex(storedDataCrc)}, ` +
          `computed ${hex(dataCrc)}); a byte between ${dataAt} and ${dataAt + n + 3} is corrupted [byte ${dataAt + n}]`,
      );
    }
    records.push({ offset: at, data });
    at = dataAt + n + TFRECORD_FOOTER_BYTES;
  }
  return records;
}

/**
 * Reads the events of a TensorBoard event file's bytes, record by record, checksums
 * verified. Throws as {@link readTfRecords}, and `TFEVENT_INVALID` for a record whose
 * data is not a valid `Event`.
 */
export function readTfEvents(bytes: Uint8Array, options: ReadTfRecordsOptions = {}): TfEventRecord[] {
  return readTfRecords(bytes, options).map((r) => ({
    ...decodeTfEvent(r.data, r.offset + TFRECORD_HEADER_BYTES),
    offset: r.offset,
  }));
}

/**
 * Reads a TensorBoard event file (`events.out.tfevents.*`), as {@link readTfEvents}; errors
 * name the file. Throws `CheckpointError` `LOG_IO` when the file cannot be read.
 *
 * @example
 * ```ts
 * for (const e of readTfEventFile('tb/events.out.tfevents.1700000000.host.42.0'))
 *   for (const v of e.summary?.value ?? []) console.log(e.step, v.tag, v.simpleValue);
 * ```
 */
export function readTfEventFile(file: string, options: ReadTfRecordsOptions = {}): TfEventRecord[] {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(file);
  } catch (cause) {
    throw new CheckpointError('LOG_IO', `cannot read the event file ${file}: ${(cause as Error).message}`, { cause });
  }
  try {
    return readTfEvents(bytes, options);
  } catch (err) {
    if (err instanceof CheckpointError) throw new CheckpointError(err.code, `${file}: ${err.message}`, { cause: err });
    throw err;
  }
}
