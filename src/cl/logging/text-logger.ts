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
 * `[TextLogger] Resuming from checkpoint. Current time is …` line; if the killed
 * process left an unterminated last line, it is kept and ended with `\n`. Lines that the
 * killed process wrote after the checkpoint stay in the file, so the work it redoes is
 * reported twice, after the resume line. Each line is written at once (`writeSync`);
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
    this.open().write(lines.map((l) => `${l}\n`).join(''));
  }

  private open(): LogFile {
    if (this.file?.isOpen) return this.file;
    const resumed = this.started && this.file === undefined;
    const file = this.file ?? new LogFile(this.path);
    file.open(this.started ? 'append' : 'truncate', 'terminate');
    this.file = file;
    this.started = true;
    if (resumed) file.write(`${this.resumeLine()}\n`);
    return file;
  }
}
