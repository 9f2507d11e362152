import { serializable } from '../../../registry/index.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';
import { metricName } from './metric-name.js';
import { GenericPluginMetric, meanOf, sortedEntries, type EmitAt, type MeanState, type MetricMode, type ResetAt } from './plugin-metric.js';

/**
 * Mean loss per task label, weighted by mini-batch size (the original's
 * `LossPluginMetric`). The loss is the strategy's, penalties of plugins included. An
 * experience with several task labels counts under task 0, as the original.
 */
@serializable({ name: 'reprise.cl.LossPluginMetric' })
export class LossPluginMetric extends GenericPluginMetric {
  perTask = new Map<number, MeanState>();

  constructor(name: string, resetAt: ResetAt, emitAt: EmitAt, mode: MetricMode) {
    super(name, resetAt, emitAt, mode);
  }

  reset(): void {
    this.perTask = new Map();
  }

  update(strategy: StrategyView): void {
    const labels = strategy.experience!.taskLabels;
    const task = labels.length === 1 ? labels[0]! : 0;
    const n = strategy.mbYValues!.length;
    const loss = strategy.lossValue();
    const m = this.perTask.get(task);
    if (m) {
      m.sum += loss * n;
      m.weight += n;
    } else {
      this.perTask.set(task, { sum: loss * n, weight: n });
    }
  }

  result(): Map<number, number> {
    return new Map(sortedEntries(this.perTask).map(([t, m]) => [t, meanOf(m)]));
  }

  protected packageResult(strategy: StrategyView): MetricValue[] {
    const xPlot = strategy.clock.trainIterations;
    return [...this.result()].map(([task, value]) => ({
      name: metricName(this.name, strategy, { addExperience: this.emitAt === 'experience', addTask: task }),
      value,
      xPlot,
    }));
  }
}

export interface LossMetricsOptions {
  /** `Loss_MB`, train. */
  minibatch?: boolean;
  /** `Loss_Epoch`, train. */
  epoch?: boolean;
  /** `RunningLoss_Epoch`, train, emitted every iteration. */
  epochRunning?: boolean;
  /** `Loss_Exp`, eval. */
  experience?: boolean;
  /** `Loss_Stream`, eval. */
  stream?: boolean;
}

/** The original's `loss_metrics`: the loss metrics asked for (all off by default). */
export function lossMetrics(options: LossMetricsOptions = {}): LossPluginMetric[] {
  const out: LossPluginMetric[] = [];
  if (options.minibatch) out.push(new LossPluginMetric('Loss_MB', 'iteration', 'iteration', 'train'));
  if (options.epoch) out.push(new LossPluginMetric('Loss_Epoch', 'epoch', 'epoch', 'train'));
  if (options.epochRunning) out.push(new LossPluginMetric('RunningLoss_Epoch', 'epoch', 'iteration', 'train'));
  if (options.experience) out.push(new LossPluginMetric('Loss_Exp', 'experience', 'experience', 'eval'));
  if (options.stream) out.push(new LossPluginMetric('Loss_Stream', 'stream', 'stream', 'eval'));
  return out;
}
