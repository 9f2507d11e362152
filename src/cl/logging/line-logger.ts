import type { MetricValue } from '../core/metric-value.js';
import { BaseLogger } from './base-logger.js';
import { formatMetricValue } from './format-value.js';
import { clockValue, currentExperience, streamName, taskLabel } from './strategy-view.js';

/** The last value a metric emitted since the last report. */
export interface PendingMetric {
  xPlot: number;
  value: MetricValue['value'];
}

/**
 * The report of the original's `TextLogger`, line by line: phase starts and ends,
 * experience starts, and after each training epoch, each eval experience and the eval
 * phase, the last value of every metric emitted since the previous report, sorted by
 * name (`\tTop1_Acc_Epoch/train_phase/train_stream/Task000 = 0.8125`). Where the lines go
 * is the subclass's business ({@link TextLogger}: a file; {@link InteractiveLogger}: a
 * terminal). Per-iteration values are not printed, only the last one of each metric.
 */
export abstract class LineLogger extends BaseLogger {
  /** Values waiting for the next report, by metric name. Stored in checkpoints. */
  protected metricVals: Map<string, PendingMetric> = new Map();

  /** Writes complete lines (without their `\n`). */
  protected abstract writeLines(lines: readonly string[]): void;

  /** Called at the end of each training and eval phase: make what was written durable. */
  protected endOfPhase(): void {}

  override logSingleMetric(name: string, value: MetricValue['value'], xPlot: number): void {
    this.pending().set(name, { xPlot, value });
  }

  override beforeTraining(_strategy: unknown): void {
    this.writeLines(['-- >> Start of training phase << --']);
  }

  override beforeTrainingExp(strategy: unknown): void {
    this.writeLines([this.experienceStartLine('training', strategy)]);
  }

  override afterTrainingEpoch(strategy: unknown): void {
    const epoch = clockValue(strategy, 'trainExpEpochs');
    this.writeLines([`Epoch ${epoch ?? '?'} ended.`, ...this.takeMetricLines()]);
  }

  override afterTraining(_strategy: unknown): void {
    this.writeLines(['-- >> End of training phase << --']);
    this.endOfPhase();
  }

  override beforeEval(_strategy: unknown): void {
    this.writeLines(['-- >> Start of eval phase << --']);
  }

  override beforeEvalExp(strategy: unknown): void {
    this.writeLines([this.experienceStartLine('eval', strategy)]);
  }

  override afterEvalExp(strategy: unknown): void {
    const exp = currentExperience(strategy) ?? '?';
    const task = taskLabel(strategy);
    const stream = streamName(strategy);
    const line =
      `> Eval on experience ${exp}` +
      (task === undefined ? '' : ` (Task ${task})`) +
      (stream === undefined ? '' : ` from ${stream} stream`) +
      ' ended.';
    this.writeLines([line, ...this.takeMetricLines()]);
  }

  override afterEval(_strategy: unknown): void {
    this.writeLines(['-- >> End of eval phase << --', ...this.takeMetricLines()]);
    this.endOfPhase();
  }

  /** The line a restored logger prints before anything else, as the original's `on_checkpoint_resume`. */
  protected resumeLine(now = new Date()): string {
    return `[${this.constructor.name}] Resuming from checkpoint. Current time is ${formatLocalTime(now)}`;
  }

  private pending(): Map<string, PendingMetric> {
    if (!(this.metricVals instanceof Map)) this.metricVals = new Map();
    return this.metricVals;
  }

  private takeMetricLines(): string[] {
    const vals = [...this.pending().entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.metricVals = new Map();
    return vals.map(([name, m]) => `\t${name} = ${formatMetricValue(m.value)}`);
  }

  private experienceStartLine(action: 'training' | 'eval', strategy: unknown): string {
    const exp = currentExperience(strategy) ?? '?';
    const task = taskLabel(strategy);
    const stream = streamName(strategy);
    return (
      `-- Starting ${action} on experience ${exp}` +
      (task === undefined ? '' : ` (Task ${task})`) +
      (stream === undefined ? '' : ` from ${stream} stream`) +
      ' --'
    );
  }
}

/** `2024-05-01 13:04:05 +0200`, the local time as the original prints it. */
function formatLocalTime(d: Date): string {
  const p = (n: number, w = 2) => String(Math.abs(n)).padStart(w, '0');
  const offset = -d.getTimezoneOffset();
  const sign = offset >= 0 ? '+' : '-';
  return (
    `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ` +
    `${sign}${p(Math.trunc(Math.abs(offset) / 60))}${p(Math.abs(offset) % 60)}`
  );
}
