import { CheckpointFormatError } from '../errors.js';

/**
 * The bytes of a `string` tensor section, all integers unsigned 32-bit little-endian:
 * `count`, then `count` byte lengths, then the strings' bytes back to back (tfjs keeps
 * strings as UTF-8 bytes; they are stored as they are, not re-encoded).
 * Inverse: {@link unpackStrings}.
 */
export function packStrings(values: readonly Uint8Array[]): Uint8Array {
  let total = 4 + 4 * values.length;
  for (const v of values) total += v.byteLength;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, values.length, true);
  let at = 4 + 4 * values.length;
  values.forEach((v, i) => {
    view.setUint32(4 + 4 * i, v.byteLength, true);
    out.set(v, at);
    at += v.byteLength;
  });
  return out;
}

/**
 * Splits bytes written by {@link packStrings} into views of `data` (no copy), after
 * checking every length against the bytes that exist.
 *
 * @param expected the element count the tensor's shape implies.
 * @throws CheckpointFormatError `BAD_TENSOR` when the count differs from `expected` or
 *   the lengths do not add up to the section's size.
 */
export function unpackStrings(data: Uint8Array, expected: number, path: string): Uint8Array[] {
  const headerBytes = checkPackedStrings(data, expected, path);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const out = new Array<Uint8Array>(expected);
  let at = headerBytes;
  for (let i = 0; i < expected; i++) {
    const length = view.getUint32(4 + 4 * i, true);
    out[i] = data.subarray(at, at + length);
    at += length;
  }
  return out;
}

/**
 * The checks of {@link unpackStrings}, allocating nothing: returns the byte length of
 * the count and lengths that precede the strings.
 * @throws CheckpointFormatError `BAD_TENSOR` as `unpackStrings` does.
 */
export function checkPackedStrings(data: Uint8Array, expected: number, path: string): number {
  const fail = (what: string) =>
    new CheckpointFormatError('BAD_TENSOR', `the bytes of a string tensor are malformed: ${what}`, { path });
  if (data.byteLength < 4) throw fail(`${data.byteLength} bytes cannot hold the string count`);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const count = view.getUint32(0, true);
  if (count !== expected) throw fail(`it holds ${count} strings but the shape needs ${expected}`);
  const headerBytes = 4 + 4 * count;
  if (headerBytes > data.byteLength) throw fail(`${count} lengths need ${headerBytes} bytes, the section has ${data.byteLength}`);
  let total = headerBytes;
  for (let i = 0; i < count; i++) total += view.getUint32(4 + 4 * i, true);
  if (total !== data.byteLength) throw fail(`the lengths add up to ${total} bytes, the section has ${data.byteLength}`);
  return headerBytes;
}
