import { crc32c as nativeCrc32c } from '@node-rs/crc32';

/** CRC-32C (Castagnoli) of `bytes`, as an unsigned 32-bit integer; hardware-accelerated. */
export function crc32c(bytes: Uint8Array, initial = 0): number {
  return nativeCrc32c(bytes as Buffer, initial) >>> 0;
}
