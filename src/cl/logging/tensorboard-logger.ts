import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { serializable } from '../../registry/index.js';
import type { MetricValue } from '../core/metric-value.js';
import { BaseLogger } from './base-logger.js';
import { LogFile, logIoError } from './log-file.js';
import { encodeTfEvent, SessionStatus, TF_EVENT_FILE_VERSION, type TfEvent, type TfSummaryValue } from './tf-event.js';
import { encodeTfRecord } from './tfrecord.js';

export interface TensorboardLoggerOptions {
  /** Appended to each event file's name, as the original's `filename_suffix`. Default `''`. */
  filenameSuffix?: string;
}

const EVENT_FILE_PREFIX = 'events.out.tfevents.';

/**
 * Every metric value as a TensorBoard scalar (`tag` = the metric's name, `step` = its
 * `xPlot`), in event files that TensorBoard reads: TFRecord-framed `Event` protobufs,
 * the first one `file_version: "brain.Event:2"`. A record-valued metric (per-class
 * accuracy) becomes one scalar per key, tagged `<name>/<key>`. Values logged together
 * at one step share one `Event`.
 *
 * Files: nothing is created until the first value. Each process writes its own file,
 * `events.out.tfevents.<seconds>.<hostname>.<pid>.<n><filenameSuffix>` in {@link dir}
 * (after `close()`, the same process appends to the same file). A logger restored from
 * a checkpoint continues the run in the same folder, so TensorBoard shows one run:
 * - its file's `<seconds>` is later than those of the run's earlier files, so the files
 *   sort in the order they were written, which is the order TensorBoard reads them in;
 * - the second record of each file is a `SessionLog` `START` at the step after the
 *   largest one this run had logged when it was saved (0 for a fresh run).
 * The newest file the checkpoint knew is also cut back to its size at the checkpoint.
 * What a killed process logged after the checkpoint is then dropped by TensorBoard, and
 * each curve continues without a fork: its Python loader purges every point at or after
 * a `START`'s step; its Rust data server ignores `START` but drops a tag's points at or
 * after any step that tag is logged at again, which the resumed run does, at the same
 * steps (steps are `xPlot`, the restored strategy's iteration count). Give each run its
 * own folder: a fresh logger's `START` at step 0 hides, in the Python loader, whatever
 * an earlier run left in the same folder.
 *
 * Records are written at once (`writeSync`); the file is synced at the end of each phase.
 * Read the files back with `readTfEventFile` (tfrecord-reader.ts).
 */
@serializable({ name: 'reprise.cl.TensorboardLogger', exclude: ['file'] })
export class TensorboardLogger extends BaseLogger {
  /** The run's folder, as TensorBoard's `--logdir` (or a subfolder of it). */
  readonly dir: string;
  readonly filenameSuffix: string;
  /** Names of the event files this run has written, oldest first. Stored in checkpoints. */
  protected eventFiles: string[] = [];
  /** The largest step logged so far, `undefined` before the first value. Stored in checkpoints. */
  protected maxStep: number | undefined = undefined;
  /** Bytes of the newest event file when this logger was last stored. Stored in checkpoints. */
  protected eventFileBytes: number | undefined = undefined;
  /** This process's file (kept, closed, after `close()`); excluded, so unset on a restored logger. */
  private file: LogFile | undefined = undefined;

  /**
   * @param dir the run's folder, default `./tb_data` (as the original); created on the first value.
   */
  constructor(dir = './tb_data', options: TensorboardLoggerOptions = {}) {
    super();
    this.dir = dir;
    this.filenameSuffix = options.filenameSuffix ?? '';
  }

  /** Paths of the event files this run has written, oldest first (empty before the first value). */
  get files(): string[] {
    return this.eventFiles.map((f) => path.join(this.dir, f));
  }

  override logMetrics(values: readonly MetricValue[]): void {
    let group: TfSummaryValue[] = [];
    let step: number | undefined;
    for (const v of values) {
      const s = toStep(v.xPlot);
      if (step !== undefined && s !== step && group.length > 0) {
        this.writeSummary(step, group);
        group = [];
      }
      step = s;
      group.push(...scalarsOf(v.name, v.value));
    }
    if (step !== undefined && group.length > 0) this.writeSummary(step, group);
  }

  override logSingleMetric(name: string, value: MetricValue['value'], xPlot: number): void {
    const scalars = scalarsOf(name, value);
    if (scalars.length > 0) this.writeSummary(toStep(xPlot), scalars);
  }

  override afterTraining(_strategy: unknown): void {
    this.flush();
  }

  override afterEval(_strategy: unknown): void {
    this.flush();
  }

  /** Syncs the current event file to the disk; a no-op before the first value. */
  flush(): void {
    this.file?.sync();
  }

  /** Syncs and closes the event file; the next value reopens it (same process) in append mode. */
  override close(): void {
    this.file?.close();
  }

  private writeSummary(step: number, value: TfSummaryValue[]): void {
    const file = this.open();
    file.writeBytes(encodeTfRecord(encodeTfEvent({ wallTime: Date.now() / 1000, step, summary: { value } })));
    this.eventFileBytes = file.position;
    if (this.maxStep === undefined || step > this.maxStep) this.maxStep = step;
  }

  private open(): LogFile {
    if (this.file?.isOpen) return this.file;
    if (this.file !== undefined) {
      this.file.open('append', 'keep');
      return this.file;
    }
    if (!Array.isArray(this.eventFiles)) this.eventFiles = [];
    this.cutNewestFileBack();
    const name = this.nextFileName();
    const file = new LogFile(path.join(this.dir, name));
    file.open('truncate');
    const now = Date.now() / 1000;
    const startStep = this.maxStep === undefined ? 0 : this.maxStep + 1;
    const header: TfEvent[] = [
      { wallTime: now, step: 0, fileVersion: TF_EVENT_FILE_VERSION },
      {
        wallTime: now,
        step: startStep,
        sessionLog: {
          status: SessionStatus.START,
          msg: this.eventFiles.length === 0 ? 'reprise: run started' : 'reprise: run resumed from a checkpoint',
        },
      },
    ];
    file.writeBytes(concat(header.map((e) => encodeTfRecord(encodeTfEvent(e)))));
    this.eventFileBytes = file.position;
    this.eventFiles.push(name);
    this.file = file;
    return file;
  }

  /**
   * A restored logger: cuts the newest event file it had written back to its size at the
   * checkpoint, dropping the events a killed process appended after it (the `START`
   * record covers files of processes that never reached a checkpoint). A file that is
   * gone or shorter is left alone.
   */
  private cutNewestFileBack(): void {
    const last = this.eventFiles[this.eventFiles.length - 1];
    const bytes = this.eventFileBytes;
    if (last === undefined || bytes === undefined || !Number.isInteger(bytes) || bytes < 0) return;
    const file = path.join(this.dir, last);
    try {
      if (fs.statSync(file).size > bytes) fs.truncateSync(file, bytes);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw logIoError('truncate', file, err);
    }
  }

  private nextFileName(): string {
    let seconds = Math.floor(Date.now() / 1000);
    const last = this.eventFiles[this.eventFiles.length - 1];
    const lastSeconds = last === undefined ? NaN : Number(last.slice(EVENT_FILE_PREFIX.length).split('.')[0]);
    if (Number.isFinite(lastSeconds) && seconds <= lastSeconds) seconds = lastSeconds + 1;
    const host = os.hostname().replace(/[/\\]/g, '_');
    const name = (s: number) => `${EVENT_FILE_PREFIX}${String(s).padStart(10, '0')}.${host}.${process.pid}.${this.eventFiles.length}${this.filenameSuffix}`;
    // Another process with the same pid (a container's pid 1) may have written this
    // name within the same second: never truncate its events, take a later second.
    while (fs.existsSync(path.join(this.dir, name(seconds)))) seconds++;
    return name(seconds);
  }
}

/** An `xPlot` as an int64 step: truncated toward zero; a non-finite one becomes 0. */
function toStep(xPlot: number): number {
  return Number.isFinite(xPlot) ? Math.trunc(xPlot) : 0;
}

function scalarsOf(name: string, value: MetricValue['value']): TfSummaryValue[] {
  if (typeof value === 'number') return [{ tag: name, simpleValue: value }];
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value)
    .filter(([, v]) => typeof v === 'number')
    .map(([k, v]) => ({ tag: `${name}/${k}`, simpleValue: v }));
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
