/**
 * `#native-crc32c` in Node (package.json `imports`): the hardware-accelerated CRC-32C of
 * `@node-rs/crc32`, loaded with require(). An ES `import` of the package (CommonJS) makes
 * Node scan its source for export names first, several times what loading it costs, at
 * every start; outside Node `#native-crc32c` is ./crc32c-none.ts.
 */
import { createRequire } from 'node:module';

export const crc32c: (bytes: Uint8Array, initial?: number) => number = (
  createRequire(import.meta.url)('@node-rs/crc32') as { crc32c: (bytes: Uint8Array, initial?: number) => number }
).crc32c;
