import * as path from 'node:path';
import { serializable } from '../../registry/index.js';
import type { MetricValue } from '../core/metric-value.js';
import { BaseLogger } from './base-logger.js';
import { formatMetricValue } from './format-value.js';
import { LogFile } from './log-file.js';
import { clockValue, currentExperience } from './strategy-view.js';

/** Header of `training_results.csv`, as the original's. */
export const TRAINING_CSV_HEADER = ['training_exp', 'epoch', 'training_accuracy', 'val_accuracy', 'training_loss', 'val_loss'] as const;
/** Header of `eval_results.csv`, as the original's. */
export const EVAL_CSV_HEADER = ['eval_exp', 'training_exp', 'eval_accuracy', 'eval_loss', 'forgetting'] as const;

/**
 * Accuracy and loss in two CSV files, as the original's `CSVLogger`:
 * `training_results.csv`, a row per training epoch (`training_exp, epoch,
 * training_accuracy, val_accuracy, training_loss, val_loss`, from the
 * `Top1_Acc_Epoch…train_stream` and `Loss_Epoch…train_stream` metrics and the last
 * validation run inside training), and `eval_results.csv`, a row per evaluated experience
 * outside training (`eval_exp, training_exp, eval_accuracy, eval_loss, forgetting`, from
 * `Top1_Acc_Exp`, `Loss_Exp` and `ExperienceForgetting`). A metric that was not emitted
 * is written `0`, as in the original; a missing experience id or epoch is left empty.
 * Numbers have 4 decimals; a field holding `,` or `"` is quoted (RFC 4180).
 *
 * Files are opened on the first row, never by the constructor. A fresh logger starts
 * them empty with their header. A logger restored from a checkpoint appends without a
 * second header (a header is written only to a file that is missing or empty), after
 * cutting each file back to its size when the checkpoint was taken: rows a killed
 * process wrote after the checkpoint (and a partial last row) are dropped, and the
 * resumed run writes them again, so each row is in the file once.
 * Rows are written at once (`writeSync`); files are synced at the end of each phase.
 *
 * @example
 * ```ts
 * const logger = new CSVLogger('logs/run1'); // logs/run1/training_results.csv, logs/run1/eval_results.csv
 * ```
 */
@serializable({ name: 'reprise.cl.CSVLogger', exclude: ['trainingFile', 'evalFile', 'latest'] })
export class CSVLogger extends BaseLogger {
  /** The folder holding both files. */
  readonly dir: string;
  /** Whether this run has written each file: a restored logger then appends. */
  protected trainingStarted = false;
  protected evalStarted = false;
  /**
   * Bytes of each file when this logger was last stored: a restored logger cuts its
   * files back to them, so rows that a killed process wrote after the checkpoint are
   * not followed by the same rows again.
   */
  protected trainingBytes: number | undefined = undefined;
  protected evalBytes: number | undefined = undefined;
  /** The experience being trained, from `beforeTrainingExp`. */
  protected trainingExpId: number | undefined = undefined;
  /** `true` inside a training phase (an eval there is validation); `undefined` before any phase. */
  protected inTrainPhase: boolean | undefined = undefined;
  /** The last validation accuracy and loss measured inside training. */
  protected valAcc: MetricValue['value'] | undefined = undefined;
  protected valLoss: MetricValue['value'] | undefined = undefined;

  private trainingFile: LogFile | undefined = undefined;
  private evalFile: LogFile | undefined = undefined;
  /** The last value of each metric since the last row; the next row reads it. */
  private latest: Map<string, MetricValue['value']> | undefined = undefined;

  /** @param dir folder for the two files, default `csvlogs` (as the original); created on the first row. */
  constructor(dir = 'csvlogs') {
    super();
    this.dir = dir;
  }

  /** `<dir>/training_results.csv` */
  get trainingPath(): string {
    return path.join(this.dir, 'training_results.csv');
  }

  /** `<dir>/eval_results.csv` */
  get evalPath(): string {
    return path.join(this.dir, 'eval_results.csv');
  }

  override logSingleMetric(name: string, value: MetricValue['value'], _xPlot: number): void {
    (this.latest ??= new Map()).set(name, value);
  }

  override beforeTraining(_strategy: unknown): void {
    this.inTrainPhase = true;
  }

  override beforeTrainingExp(strategy: unknown): void {
    this.trainingExpId = currentExperience(strategy);
  }

  override beforeTrainingEpoch(_strategy: unknown): void {
    this.latest = undefined;
  }

  override afterTrainingEpoch(strategy: unknown): void {
    let trainAcc: MetricValue['value'] | undefined;
    let trainLoss: MetricValue['value'] | undefined;
    for (const [name, value] of this.takeLatest()) {
      if (!name.includes('train_stream')) continue;
      if (name.startsWith('Top1_Acc_Epoch')) trainAcc = value;
      else if (name.startsWith('Loss_Epoch')) trainLoss = value;
    }
    this.writeRow('training', [
      this.trainingExpId,
      clockValue(strategy, 'trainExpEpochs'),
      metricField(trainAcc),
      metricField(this.valAcc),
      metricField(trainLoss),
      metricField(this.valLoss),
    ]);
  }

  override afterTraining(_strategy: unknown): void {
    this.inTrainPhase = false;
    this.flush();
  }

  override beforeEval(_strategy: unknown): void {
    if (this.inTrainPhase === undefined) this.inTrainPhase = false;
  }

  override beforeEvalExp(_strategy: unknown): void {
    this.latest = undefined;
  }

  override afterEvalExp(strategy: unknown): void {
    let acc: MetricValue['value'] | undefined;
    let loss: MetricValue['value'] | undefined;
    let forgetting: MetricValue['value'] | undefined;
    for (const [name, value] of this.takeLatest()) {
      if (this.inTrainPhase) {
        if (name.startsWith('Top1_Acc_Exp')) this.valAcc = value;
        else if (name.startsWith('Loss_Exp')) this.valLoss = value;
      } else if (name.startsWith('Top1_Acc_Exp')) acc = value;
      else if (name.startsWith('Loss_Exp')) loss = value;
      else if (name.startsWith('ExperienceForgetting')) forgetting = value;
    }
    if (!this.inTrainPhase) {
      this.writeRow('eval', [currentExperience(strategy), this.trainingExpId, metricField(acc), metricField(loss), metricField(forgetting)]);
    }
  }

  override afterEval(_strategy: unknown): void {
    this.flush();
  }

  /** Syncs both files to the disk; a no-op for a file not yet written. */
  flush(): void {
    this.trainingFile?.sync();
    this.evalFile?.sync();
  }

  /** Syncs and closes both files; the next row reopens its file in append mode. */
  override close(): void {
    this.trainingFile?.close();
    this.evalFile?.close();
  }

  private takeLatest(): Map<string, MetricValue['value']> {
    const latest = this.latest ?? new Map<string, MetricValue['value']>();
    this.latest = undefined;
    return latest;
  }

  private writeRow(which: 'training' | 'eval', fields: ReadonlyArray<string | number | undefined>): void {
    const file = this.open(which);
    file.write(csvLine(fields));
    if (which === 'training') this.trainingBytes = file.position;
    else this.evalBytes = file.position;
  }

  private open(which: 'training' | 'eval'): LogFile {
    const current = which === 'training' ? this.trainingFile : this.evalFile;
    if (current?.isOpen) return current;
    const file = current ?? new LogFile(which === 'training' ? this.trainingPath : this.evalPath);
    const started = which === 'training' ? this.trainingStarted : this.evalStarted;
    const size = file.open(started ? 'append' : 'truncate', 'drop', which === 'training' ? this.trainingBytes : this.evalBytes);
    if (size === 0) file.write(csvLine(which === 'training' ? TRAINING_CSV_HEADER : EVAL_CSV_HEADER));
    if (which === 'training') {
      this.trainingFile = file;
      this.trainingStarted = true;
    } else {
      this.evalFile = file;
      this.evalStarted = true;
    }
    return file;
  }
}

/** A metric as a CSV field: `0` when it was not emitted (as the original), else {@link formatMetricValue}. */
function metricField(value: MetricValue['value'] | undefined): string {
  return value === undefined ? '0' : formatMetricValue(value);
}

function csvLine(fields: ReadonlyArray<string | number | undefined>): string {
  return `${fields.map(csvField).join(',')}\n`;
}

function csvField(field: string | number | undefined): string {
  const s = field === undefined ? '' : String(field);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
