/**
 * What `#native-crc32c` resolves to outside Node (package.json `imports`): no native
 * CRC-32C, so {@link ./checksum.ts} uses the JavaScript one.
 */
export const crc32c: ((bytes: Uint8Array, initial?: number) => number) | undefined = undefined;
