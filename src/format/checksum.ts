import { crc32c as nativeCrc32c } from '#native-crc32c';
import { crc32cJs } from './crc32c-js.js';

const native = nativeCrc32c as ((bytes: Uint8Array, initial?: number) => number) | undefined;

/**
 * CRC-32C (Castagnoli) of `bytes`, continuing from `initial`, as an unsigned 32-bit
 * integer: hardware-accelerated through `@node-rs/crc32` in Node, slice-by-8 JavaScript
 * elsewhere (package.json `imports` maps `#native-crc32c` per platform).
 */
export const crc32c: (bytes: Uint8Array, initial?: number) => number = native
  ? (bytes, initial = 0) => native(bytes, initial) >>> 0
  : crc32cJs;

/** Which implementation {@link crc32c} uses. */
export const CRC32C_IMPLEMENTATION: 'native' | 'javascript' = native ? 'native' : 'javascript';
