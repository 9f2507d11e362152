import * as fs from 'node:fs';

const MAX_IOVECS = 1024;

/**
 * The baselines' write: `chunks` to `file` with `writev`, then `fsync`, then close — the
 * same durability of the bytes as reprise's save, which additionally writes to a
 * temporary file, renames it over the target and fsyncs the folder (atomicity the
 * baselines do not have).
 */
export function writeDurably(file: string, chunks: readonly Uint8Array[]): number {
  const fd = fs.openSync(file, 'w', 0o644);
  let total = 0;
  try {
    for (let i = 0; i < chunks.length; i += MAX_IOVECS) {
      let batch = chunks.slice(i, i + MAX_IOVECS).filter((c) => c.byteLength > 0);
      while (batch.length > 0) {
        const written = fs.writevSync(fd, batch as NodeJS.ArrayBufferView[]);
        total += written;
        batch = dropWritten(batch, written);
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  return total;
}

function dropWritten(batch: Uint8Array[], written: number): Uint8Array[] {
  let i = 0;
  while (i < batch.length && written >= batch[i]!.byteLength) written -= batch[i++]!.byteLength;
  const rest = batch.slice(i);
  if (rest.length > 0 && written > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}
