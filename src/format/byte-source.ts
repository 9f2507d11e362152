import * as fs from '#node-fs';
import { CheckpointFormatError } from '../errors.js';

/**
 * Random-access bytes a checkpoint is read from, so that a load can read each section
 * straight into the memory it ends up in instead of reading the whole file into one
 * buffer first. `readContainer` reads through one; {@link FileByteSource} serves a
 * file, {@link memoryByteSource} a buffer (tests, storages that hold bytes).
 */
export interface ByteSource {
  /** The number of bytes the source holds. */
  readonly size: number;
  /**
   * Fills all of `target` with the bytes starting at `position`. Rejects (a
   * `CheckpointFormatError` `TRUNCATED` when the bytes end early) rather than fill part.
   * Several reads may be in flight at once, into different targets.
   */
  read(target: Uint8Array, position: number): Promise<void>;
  /** Releases what the source holds (a file handle). Optional; idempotent. */
  close?(): Promise<void>;
}

/**
 * A file as a {@link ByteSource}: positioned reads on one open descriptor (libuv's
 * thread pool, so a read overlaps with work on the main thread). Open with
 * {@link FileByteSource.open}; close when done.
 */
export class FileByteSource implements ByteSource {
  private closed = false;

  private constructor(
    private readonly fd: number,
    readonly size: number,
    /** The file's path, for messages. */
    readonly path: string,
  ) {}

  /** Opens `path` for reading. Rejects with Node's file errors (`ENOENT`, …). */
  static async open(path: string): Promise<FileByteSource> {
    const fd = await new Promise<number>((resolve, reject) => fs.open(path, 'r', (err, fd) => (err ? reject(err) : resolve(fd))));
    try {
      const { size } = await new Promise<fs.Stats>((resolve, reject) => fs.fstat(fd, (err, st) => (err ? reject(err) : resolve(st))));
      return new FileByteSource(fd, size, path);
    } catch (err) {
      fs.closeSync(fd);
      throw err;
    }
  }

  async read(target: Uint8Array, position: number): Promise<void> {
    let done = 0;
    while (done < target.byteLength) {
      const n = await new Promise<number>((resolve, reject) =>
        fs.read(this.fd, target, done, target.byteLength - done, position + done, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead))),
      );
      if (n === 0) {
        throw new CheckpointFormatError('TRUNCATED', `${this.path} ended at byte ${position + done}, before the ${target.byteLength} bytes read from ${position}`, {
          offset: position + done,
        });
      }
      done += n;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await new Promise<void>((resolve, reject) => fs.close(this.fd, (err) => (err ? reject(err) : resolve())));
  }
}

/** `bytes` as a {@link ByteSource} (each read copies). */
export function memoryByteSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    async read(target: Uint8Array, position: number): Promise<void> {
      if (position + target.byteLength > bytes.byteLength) {
        throw new CheckpointFormatError('TRUNCATED', `the bytes end at ${bytes.byteLength}, before the ${target.byteLength} bytes read from ${position}`, {
          offset: bytes.byteLength,
        });
      }
      target.set(bytes.subarray(position, position + target.byteLength));
    },
  };
}
