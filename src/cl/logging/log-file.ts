import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointError } from '../../errors.js';

/**
 * What to do, when a log file is continued, with a last line that lacks its `\n` (the
 * previous process was killed in the middle of a write):
 * - `drop`: cut it off (CSV: a partial row would be a malformed row);
 * - `terminate`: keep it and end it with `\n` (text: a human reader loses nothing);
 * - `keep`: leave the bytes as they are (a binary file that has no lines).
 */
export type PartialLinePolicy = 'drop' | 'terminate' | 'keep';

/** An `fs` failure while logging, as a `CheckpointError` with code `LOG_IO`. */
export function logIoError(action: string, file: string, cause: unknown): CheckpointError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new CheckpointError(
    'LOG_IO',
    `cannot ${action} the log file ${file}: ${reason}; check that its directory is writable and the disk is not full`,
    { cause },
  );
}

const TAIL_CHUNK = 4096;

/**
 * One append-only log file behind a kept file descriptor, written with `writeSync`
 * (nothing is buffered in the process: a crash loses no line that was handed over).
 * Not serializable: loggers hold it in an excluded field and recreate it lazily.
 */
export class LogFile {
  private fd: number | undefined;
  private size = 0;

  constructor(readonly path: string) {}

  /** Bytes in the file as this process has it: the size once opened plus what was written since. */
  get position(): number {
    return this.size;
  }

  get isOpen(): boolean {
    return this.fd !== undefined;
  }

  /**
   * Opens the file, creating its directory if needed. `truncate` starts it empty;
   * `append` keeps its content and repairs an unterminated last line by `partialLine`.
   * With `resumeAt` (append only), a file longer than that many bytes is first cut back
   * to them: what a killed process wrote after the checkpoint that recorded the
   * position is dropped, so the resumed run's rows are not written twice.
   * Returns the file's size once open (0 when it is new or was truncated).
   * Inverse: {@link close}. Throws `CheckpointError` `LOG_IO` when the file cannot be opened.
   */
  open(mode: 'truncate' | 'append', partialLine: PartialLinePolicy = 'terminate', resumeAt?: number): number {
    if (this.fd !== undefined) throw new CheckpointError('LOG_IO', `the log file ${this.path} is already open`);
    try {
      fs.mkdirSync(path.dirname(this.path), { recursive: true });
      this.fd = fs.openSync(this.path, mode === 'truncate' ? 'w' : 'a+');
      if (mode === 'truncate') return (this.size = 0);
      if (resumeAt !== undefined && Number.isInteger(resumeAt) && resumeAt >= 0 && fs.fstatSync(this.fd).size > resumeAt) {
        fs.ftruncateSync(this.fd, resumeAt);
      }
      return (this.size = this.repairLastLine(partialLine));
    } catch (err) {
      if (this.fd !== undefined) this.close();
      if (err instanceof CheckpointError) throw err;
      throw logIoError('open', this.path, err);
    }
  }

  /** Appends `text` (UTF-8) in full. Throws `CheckpointError` `LOG_IO` if the file is not open or the write fails. */
  write(text: string): void {
    this.writeAll(this.requireFd(), Buffer.from(text, 'utf8'));
  }

  /** Appends raw bytes in full. Throws `CheckpointError` `LOG_IO` if the file is not open or the write fails. */
  writeBytes(bytes: Uint8Array): void {
    this.writeAll(this.requireFd(), bytes);
  }

  /** Asks the OS to put what was written on the disk (`fdatasync`). A no-op when closed. */
  sync(): void {
    if (this.fd === undefined) return;
    try {
      fs.fdatasyncSync(this.fd);
    } catch (err) {
      throw logIoError('sync', this.path, err);
    }
  }

  /** Syncs and releases the descriptor. Idempotent; inverse of {@link open}. */
  close(): void {
    const fd = this.fd;
    if (fd === undefined) return;
    this.fd = undefined;
    try {
      fs.fdatasyncSync(fd);
    } catch {
      // closing must release the descriptor even when the disk refuses the sync
    } finally {
      fs.closeSync(fd);
    }
  }

  private writeAll(fd: number, bytes: Uint8Array): void {
    try {
      let done = 0;
      while (done < bytes.length) {
        const n = fs.writeSync(fd, bytes, done, bytes.length - done);
        done += n;
        this.size += n;
      }
    } catch (err) {
      throw logIoError('write', this.path, err);
    }
  }

  private requireFd(): number {
    if (this.fd === undefined) throw new CheckpointError('LOG_IO', `the log file ${this.path} is not open`);
    return this.fd;
  }

  /** Returns the size after repair. */
  private repairLastLine(policy: PartialLinePolicy): number {
    const fd = this.fd!;
    const size = fs.fstatSync(fd).size;
    if (size === 0 || policy === 'keep') return size;
    const last = Buffer.alloc(1);
    fs.readSync(fd, last, 0, 1, size - 1);
    if (last[0] === 0x0a) return size;
    if (policy === 'terminate') {
      this.writeAll(fd, Buffer.from('\n'));
      return size + 1;
    }
    const keep = this.endOfLastCompleteLine(fd, size);
    fs.ftruncateSync(fd, keep);
    return keep;
  }

  /** Offset just past the last `\n` in the file, 0 when it has none. Reads backwards in chunks. */
  private endOfLastCompleteLine(fd: number, size: number): number {
    const chunk = Buffer.alloc(TAIL_CHUNK);
    let end = size;
    while (end > 0) {
      const start = Math.max(0, end - TAIL_CHUNK);
      const n = fs.readSync(fd, chunk, 0, end - start, start);
      const at = chunk.subarray(0, n).lastIndexOf(0x0a);
      if (at >= 0) return start + at + 1;
      end = start;
    }
    return 0;
  }
}
