import * as fs from 'node:fs';
import { writevAllSync } from '../../src/format/index.js';

/**
 * The baselines' write: `chunks` to `file` with `writev`, then `fsync`, then close — the
 * same durability of the bytes as reprise's save, which additionally writes to a
 * temporary file, renames it over the target and fsyncs the folder (atomicity the
 * baselines do not have).
 */
export function writeDurably(file: string, chunks: readonly Uint8Array[]): number {
  const fd = fs.openSync(file, 'w', 0o644);
  try {
    const total = writevAllSync(fd, chunks);
    fs.fsyncSync(fd);
    return total;
  } finally {
    fs.closeSync(fd);
  }
}
