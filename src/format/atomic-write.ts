import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

const MAX_IOVECS = 1024;

function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
}

/**
 * Writes `chunks` to `target` all or nothing: into a temporary file in the same
 * folder, flushed to disk, renamed over `target`, and the folder flushed, so a process
 * killed at any instant leaves either the previous file or the new one, never a mix.
 * Chunks are written with `writev`, without concatenating them first.
 * Sync twin: {@link writeAtomicallySync}.
 */
export async function writeAtomically(target: string, chunks: readonly Uint8Array[]): Promise<void> {
  const temp = tempPathFor(target);
  const handle = await fs.promises.open(temp, 'wx', 0o644);
  try {
    try {
      for (let i = 0; i < chunks.length; i += MAX_IOVECS) {
        let batch = chunks.slice(i, i + MAX_IOVECS).filter((c) => c.byteLength > 0);
        while (batch.length > 0) {
          const { bytesWritten } = await handle.writev(batch as NodeJS.ArrayBufferView[]);
          batch = dropWritten(batch, bytesWritten);
        }
      }
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.promises.rename(temp, target);
  } catch (err) {
    await fs.promises.rm(temp, { force: true });
    throw err;
  }
  await syncDirectory(path.dirname(target));
}

/**
 * Writes all of `chunks` at the file position of `fd` with `writev`, in batches of at
 * most 1024 buffers, resuming after partial writes. Returns the bytes written.
 */
export function writevAllSync(fd: number, chunks: readonly Uint8Array[]): number {
  let total = 0;
  for (let i = 0; i < chunks.length; i += MAX_IOVECS) {
    let batch = chunks.slice(i, i + MAX_IOVECS).filter((c) => c.byteLength > 0);
    while (batch.length > 0) {
      const written = fs.writevSync(fd, batch as NodeJS.ArrayBufferView[]);
      total += written;
      batch = dropWritten(batch, written);
    }
  }
  return total;
}

/** Synchronous {@link writeAtomically}, for callers that cannot await (signal handlers, sync code). */
export function writeAtomicallySync(target: string, chunks: readonly Uint8Array[]): void {
  const temp = tempPathFor(target);
  const fd = fs.openSync(temp, 'wx', 0o644);
  try {
    try {
      writevAllSync(fd, chunks);
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
  try {
    const dirFd = fs.openSync(path.dirname(target), 'r');
    try {
      fs.fsyncSync(dirFd);
    } finally {
      fs.closeSync(dirFd);
    }
  } catch {
    /* some file systems refuse fsync on folders; the rename itself is still atomic */
  }
}

/** What is left of `batch` after `written` bytes of it went out. */
function dropWritten(batch: Uint8Array[], written: number): Uint8Array[] {
  let i = 0;
  while (i < batch.length && written >= batch[i]!.byteLength) written -= batch[i++]!.byteLength;
  const rest = batch.slice(i);
  if (rest.length > 0 && written > 0) rest[0] = rest[0]!.subarray(written);
  return rest;
}

async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    /* some file systems refuse fsync on folders; the rename itself is still atomic */
  }
}
