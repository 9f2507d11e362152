import { serializable } from '../../../registry/index.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';
import { addToClassCounts, classAccuracies, emptyClassCounts, type ClassCounts, type DeclaredClasses } from './class-counts.js';
import { taskSuffix } from './metric-name.js';
import { GenericPluginMetric, type EmitAt, type MetricMode, type ResetAt } from './plugin-metric.js';

/**
 * Accuracy of each class, per task label (the original's `ClassAccuracyPluginMetric`):
 * one value per (task, class), named `<name>/<phase>_phase/<stream>_stream/TaskNNN/<class>`.
 * Declared `classes` are reported (as 0) before they are seen.
 */
@serializable({ name: 'reprise.cl.ClassAccuracyPluginMetric' })
export class ClassAccuracyPluginMetric extends GenericPluginMetric {
  counts: ClassCounts;

  constructor(name: string, resetAt: ResetAt, emitAt: EmitAt, mode: MetricMode, readonly classes?: DeclaredClasses) {
    super(name, resetAt, emitAt, mode);
    this.counts = emptyClassCounts(classes);
  }

  reset(): void {
    this.counts = emptyClassCounts(this.classes);
  }

  update(strategy: StrategyView): void {
    addToClassCounts(this.counts, strategy.mbPredictions(), strategy.mbYValues!, strategy.mbTaskValues!);
  }

  result(): Map<number, Map<number, number>> {
    return classAccuracies(this.counts);
  }

  protected packageResult(strategy: StrategyView): MetricValue[] {
    const phase = strategy.isTraining ? 'train' : 'eval';
    const stream = strategy.experience!.streamName;
    const xPlot = strategy.clock.trainIterations;
    const out: MetricValue[] = [];
    for (const [task, perClass] of this.result()) {
      for (const [cls, value] of perClass) {
        out.push({ name: `${this.name}/${phase}_phase/${stream}_stream/${taskSuffix(task)}/${cls}`, value, xPlot });
      }
    }
    return out;
  }
}

export interface ClassAccuracyMetricsOptions {
  /** `Top1_ClassAcc_MB`, train. */
  minibatch?: boolean;
  /** `Top1_ClassAcc_Epoch`, train. */
  epoch?: boolean;
  /** `Top1_RunningClassAcc_Epoch`, train, emitted every iteration. */
  epochRunning?: boolean;
  /** `Top1_ClassAcc_Exp`, eval. */
  experience?: boolean;
  /** `Top1_ClassAcc_Stream`, eval. */
  stream?: boolean;
  /** Classes to report from the start, per task label (or one list for task 0). */
  classes?: DeclaredClasses;
}

/** The original's `class_accuracy_metrics` (all off by default). */
export function classAccuracyMetrics(options: ClassAccuracyMetricsOptions = {}): ClassAccuracyPluginMetric[] {
  const c = options.classes;
  const out: ClassAccuracyPluginMetric[] = [];
  if (options.minibatch) out.push(new ClassAccuracyPluginMetric('Top1_ClassAcc_MB', 'iteration', 'iteration', 'train', c));
  if (options.epoch) out.push(new ClassAccuracyPluginMetric('Top1_ClassAcc_Epoch', 'epoch', 'epoch', 'train', c));
  if (options.epochRunning) out.push(new ClassAccuracyPluginMetric('Top1_RunningClassAcc_Epoch', 'epoch', 'iteration', 'train', c));
  if (options.experience) out.push(new ClassAccuracyPluginMetric('Top1_ClassAcc_Exp', 'experience', 'experience', 'eval', c));
  if (options.stream) out.push(new ClassAccuracyPluginMetric('Top1_ClassAcc_Stream', 'stream', 'stream', 'eval', c));
  return out;
}
