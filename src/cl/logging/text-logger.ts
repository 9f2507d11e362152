import { serializable } from '../../registry/index.js';
import { LineLogger } from './line-logger.js';
import { LogFile } from './log-file.js';

/**
 * Writes the original's `TextLogger` report (see {@link LineLogger}) to a text file.
 *
 * The file is opened on the first line, not by the constructor: a logger constructed and
 * thrown away (as when a checkpoint's logger replaces it) creates and truncates nothing.
 * A fresh logger starts the file empty, as the original's `open(path, 'w')`. A logger
 * restored from a checkpoint appends instead, first a
 * `[TextLogger] Resuming from checkpoint. Current time is …` line, after cutting the
 * file back to its size when the checkpoint was taken: what a killed process wrote after
 * the checkpoint is dropped (the resumed run reports that work again), so every line is
 * in the file once. A file shorter than that (edited by hand) is kept; an unterminated
 * last line is then ended with `\n`. Each line is written at once (`writeSync`);
 * the file is synced at the end of each training and eval phase.
 *
 * @example
 * ```ts
 * const logger = new TextLogger('logs/run1/log.txt');
 * ```
 */
@serializable({ name: 'reprise.cl.TextLogger', exclude: ['file'] })
export class TextLogger extends LineLogger {
  /** Where the lines go. */
  readonly path: string;
  /** True once this run has written to {@link path}: a restored logger then appends. */
  protected started = false;
  /** Bytes in the file when this logger was last stored: a restored logger cuts the file back to them. */
  protected writtenBytes: number | undefined = undefined;
  /** Handle of this process (kept, closed, after `close()`); excluded from checkpoints, so unset on a restored logger. */
  private file: LogFile | undefined = undefined;

  /** @param path the text file to write; its directory is created on the first line. */
  constructor(path: string) {
    super();
    this.path = path;
  }

  /** Syncs and closes the file; the next line reopens it in append mode. */
  override close(): void {
    this.file?.close();
  }

  /** Syncs what was written to the disk. A no-op before the first line. */
  flush(): void {
    this.file?.sync();
  }

  protected override endOfPhase(): void {
    this.flush();
  }

  protected override writeLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    const file = this.open();
    file.write(lines.map((l) => `${l}\n`).join(''));
    this.writtenBytes = file.position;
  }

  private open(): LogFile {
    if (this.file?.isOpen) return this.file;
    const resumed = this.started && this.file === undefined;
    const file = this.file ?? new LogFile(this.path);
    file.open(this.started ? 'append' : 'truncate', 'terminate', resumed ? this.writtenBytes : undefined);
    this.file = file;
    this.started = true;
    if (resumed) file.write(`${this.resumeLine()}\n`);
    this.writtenBytes = file.position;
    return file;
  }
}
