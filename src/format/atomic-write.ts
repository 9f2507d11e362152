import { randomBytes } from '#node-crypto';
import * as fs from '#node-fs';
import * as path from '#node-path';

const MAX_IOVECS = 1024;
/** Most file systems limit one name to 255 bytes; temporary names stay within it. */
const NAME_MAX = 255;
const MAX_SYMLINK_HOPS = 32;
/** `.<target name, cut>.<pid>.<12 hex>.tmp`: what {@link writeAtomically} names its temporary files. */
const TEMP_NAME = /^\..*\.(\d{1,10})\.[0-9a-f]{12}\.tmp$/;

/**
 * The file operations an atomic write makes, gathered in one object so that tests can
 * spy on each call (which file is synced, what is renamed onto what) and inject faults
 * deterministically. Not part of the public API; do not replace these in production.
 */
export const atomicWriteOps = {
  open: (file: string, flags: string, mode: number) => fs.promises.open(file, flags, mode),
  /** Writes at `position`, or at the file's current position when it is undefined. */
  writev: (handle: fs.promises.FileHandle, buffers: NodeJS.ArrayBufferView[], position?: number) => handle.writev(buffers, position),
  sync: (handle: fs.promises.FileHandle) => handle.sync(),
  close: (handle: fs.promises.FileHandle) => handle.close(),
  rename: (from: string, to: string) => fs.promises.rename(from, to),
  syncDirectory: async (dir: string): Promise<void> => {
    const handle = await fs.promises.open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  openSync: (file: string, flags: string, mode: number) => fs.openSync(file, flags, mode),
  writevSync: (fd: number, buffers: NodeJS.ArrayBufferView[]) => fs.writevSync(fd, buffers),
  fsyncSync: (fd: number) => fs.fsyncSync(fd),
  closeSync: (fd: number) => fs.closeSync(fd),
  renameSync: (from: string, to: string) => fs.renameSync(from, to),
  syncDirectorySync: (dir: string): void => {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  },
};

/** Temporary files this process is writing now: never stale, whatever their pid says. */
const inFlight = new Set<string>();

/** Cuts `name` to at most `maxBytes` UTF-8 bytes without splitting a character. */
function cutToBytes(name: string, maxBytes: number): string {
  if (Buffer.byteLength(name) <= maxBytes) return name;
  let out = '';
  let bytes = 0;
  for (const ch of name) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > maxBytes) break;
    out += ch;
    bytes += n;
  }
  return out;
}

/**
 * The temporary file for `target`, in the same folder (so the rename stays on one file
 * system), named `.<name>.<pid>.<random>.tmp` with the name cut so that the whole stays
 * within 255 bytes: a target whose own name is valid always gets a valid temporary name.
 */
export function temporaryPathFor(target: string): string {
  const suffix = `.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const base = cutToBytes(path.basename(target), NAME_MAX - 1 - suffix.length);
  return path.join(path.dirname(target), `.${base}${suffix}`);
}

/**
 * Where a write to `target` must land: `target` itself, or, when it is a symbolic link
 * (even a dangling one), the file it finally points to — so that saving through a link
 * updates its target, as editors do, instead of replacing the link by a regular file.
 * @throws a Node error `ELOOP` after 32 links.
 */
export function resolveWriteTarget(target: string): string {
  let current = path.resolve(target);
  for (let hop = 0; hop < MAX_SYMLINK_HOPS; hop++) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(current);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return current;
      throw err;
    }
    if (!stat.isSymbolicLink()) return current;
    current = path.resolve(path.dirname(current), fs.readlinkSync(current));
  }
  throw Object.assign(new Error(`ELOOP: too many symbolic links, ${target}`), { code: 'ELOOP', path: target });
}

function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files that writers which died mid-write (killed, out of power)
 * left in `dir`: files named as {@link writeAtomically} names them whose process is
 * gone, or whose pid is this process's own (a restarted container often gets the same
 * pid) but which this process is not writing. Best effort: errors are ignored.
 * Returns the names removed.
 */
export function removeStaleTemporaryFiles(dir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const match = TEMP_NAME.exec(name);
    if (!match) continue;
    const file = path.join(dir, name);
    const pid = Number(match[1]);
    const stale = pid === process.pid ? !inFlight.has(file) : !pidIsAlive(pid);
    if (!stale) continue;
    try {
      fs.rmSync(file, { force: true });
      removed.push(name);
    } catch {
      /* another process may be removing it too */
    }
  }
  return removed;
}

/**
 * Where {@link writeAtomicallyWith} lets its caller write: the temporary file, by
 * position, so that a header computed last can go in front of sections written first.
 */
export interface PositionalSink {
  /** Writes `chunks` back to back from byte `position` of the file, all of them (resuming after partial writes). */
  write(chunks: readonly Uint8Array[], position: number): Promise<void>;
  /** Cuts (or extends with zeros) the file to `length` bytes. */
  truncate(length: number): Promise<void>;
}

/**
 * Writes `chunks` to `target` all or nothing: into a temporary file in the same
 * folder, flushed to disk, renamed over `target`, and the folder flushed, so a process
 * killed at any instant leaves either the previous file or the new one, never a mix.
 * `target` is only ever renamed onto, never opened for writing. A symbolic link is
 * written through to the file it points to. Temporary files left by dead writers in the
 * folder are removed first. Chunks are written with `writev`, without concatenating them.
 * Sync twin: {@link writeAtomicallySync}.
 * @throws Node's file errors, naming the temporary file; callers wrap them.
 */
export async function writeAtomically(target: string, chunks: readonly Uint8Array[]): Promise<void> {
  await writeAtomicallyWith(target, async (_sink, handle) => {
    for (let i = 0; i < chunks.length; i += MAX_IOVECS) {
      let batch = chunks.slice(i, i + MAX_IOVECS).filter((c) => c.byteLength > 0);
      while (batch.length > 0) {
        const { bytesWritten } = await atomicWriteOps.writev(handle, batch as NodeJS.ArrayBufferView[]);
        batch = dropWritten(batch, bytesWritten);
      }
    }
  });
}

/**
 * {@link writeAtomically} for a caller that writes the bytes itself, in any order,
 * through `write`'s sink (positional writes into the temporary file): everything else —
 * temporary name, sync, rename, folder sync, removal of the temporary file on failure,
 * stale-file cleanup, symbolic links — is the same. The file holds exactly what `write`
 * wrote when its promise resolves.
 * @throws what `write` throws, and Node's file errors naming the temporary file.
 */
export async function writeAtomicallyWith(target: string, write: (sink: PositionalSink, handle: fs.promises.FileHandle) => Promise<void>): Promise<void> {
  const destination = resolveWriteTarget(target);
  removeStaleTemporaryFiles(path.dirname(destination));
  const temp = temporaryPathFor(destination);
  inFlight.add(temp);
  try {
    const handle = await atomicWriteOps.open(temp, 'wx', 0o644);
    try {
      try {
        await write(positionalSink(handle), handle);
        await atomicWriteOps.sync(handle);
      } finally {
        await atomicWriteOps.close(handle);
      }
      await atomicWriteOps.rename(temp, destination);
    } catch (err) {
      await fs.promises.rm(temp, { force: true });
      throw err;
    }
  } finally {
    inFlight.delete(temp);
  }
  try {
    await atomicWriteOps.syncDirectory(path.dirname(destination));
  } catch {
    /* some file systems refuse fsync on folders; the rename itself is still atomic */
  }
}

function positionalSink(handle: fs.promises.FileHandle): PositionalSink {
  return {
    async write(chunks, position) {
      for (let i = 0; i < chunks.length; i += MAX_IOVECS) {
        let batch = chunks.slice(i, i + MAX_IOVECS).filter((c) => c.byteLength > 0);
        while (batch.length > 0) {
          const { bytesWritten } = await atomicWriteOps.writev(handle, batch as NodeJS.ArrayBufferView[], position);
          position += bytesWritten;
          batch = dropWritten(batch, bytesWritten);
        }
      }
    },
    truncate: (length) => handle.truncate(length),
  };
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
      const written = atomicWriteOps.writevSync(fd, batch as NodeJS.ArrayBufferView[]);
      total += written;
      batch = dropWritten(batch, written);
    }
  }
  return total;
}

/** Synchronous {@link writeAtomically}, for callers that cannot await (signal handlers, sync code). */
export function writeAtomicallySync(target: string, chunks: readonly Uint8Array[]): void {
  const destination = resolveWriteTarget(target);
  removeStaleTemporaryFiles(path.dirname(destination));
  const temp = temporaryPathFor(destination);
  inFlight.add(temp);
  try {
    const fd = atomicWriteOps.openSync(temp, 'wx', 0o644);
    try {
      try {
        writevAllSync(fd, chunks);
        atomicWriteOps.fsyncSync(fd);
      } finally {
        atomicWriteOps.closeSync(fd);
      }
      atomicWriteOps.renameSync(temp, destination);
    } catch (err) {
      fs.rmSync(temp, { force: true });
      throw err;
    }
  } finally {
    inFlight.delete(temp);
  }
  try {
    atomicWriteOps.syncDirectorySync(path.dirname(destination));
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
