import { crc32c, encodeHeader, type HeaderInfo } from '../../src/format/index.js';

/**
 * `file` with its header replaced by `header` (re-encoded, zero-padded up to the first
 * section) and the preamble's header length and checksum sealed again, so that a test can
 * make a file whose header lies but checks out. Undefined when the header no longer fits.
 */
export function withResealedHeader(file: Uint8Array, header: HeaderInfo): Uint8Array | undefined {
  const encoded = encodeHeader(header);
  const dataStart = header.sections[0]!.offset;
  if (32 + encoded.length > dataStart) return undefined;
  const out = file.slice();
  out.fill(0, 32, dataStart);
  out.set(encoded, 32);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setUint32(12, encoded.length, true);
  view.setUint32(16, crc32c(encoded), true);
  return out;
}
