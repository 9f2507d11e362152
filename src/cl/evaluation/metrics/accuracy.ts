import { serializable } from '../../../registry/index.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';
import { metricName } from './metric-name.js';
import { GenericPluginMetric, meanOf, sampleTasks, sortedEntries, type EmitAt, type MeanState, type MetricMode, type ResetAt } from './plugin-metric.js';

/**
 * Top-1 accuracy per task label (the original's `TaskAwareAccuracy` inside an
 * `AccuracyPluginMetric`); one value per task, named `<name>/…/TaskNNN[/ExpNNN]`.
 */
@serializable({ name: 'reprise.cl.AccuracyPluginMetric' })
export class AccuracyPluginMetric extends GenericPluginMetric {
  /** Correct predictions (`sum`) over samples (`weight`) per task label. */
  perTask = new Map<number, MeanState>();

  constructor(name: string, resetAt: ResetAt, emitAt: EmitAt, mode: MetricMode) {
    super(name, resetAt, emitAt, mode);
  }

  reset(): void {
    this.perTask = new Map();
  }

  update(strategy: StrategyView): void {
    const predicted = strategy.mbPredictions();
    const truth = strategy.mbYValues!;
    const tasks = sampleTasks(strategy);
    if ('single' in tasks) {
      let correct = 0;
      for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
      this.add(tasks.single, correct, truth.length);
    } else {
      for (let i = 0; i < truth.length; i++) this.add(tasks.perSample[i]!, predicted[i] === truth[i] ? 1 : 0, 1);
    }
  }

  /** Accuracy per task label, ascending. */
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

  private add(task: number, correct: number, total: number): void {
    const m = this.perTask.get(task);
    if (m) {
      m.sum += correct;
      m.weight += total;
    } else {
      this.perTask.set(task, { sum: correct, weight: total });
    }
  }
}

/**
 * Accuracy on the experiences trained on so far (the original's
 * `TrainedExperienceAccuracy`): evaluated over a stream, counting only experiences
 * whose position is at most the last one trained on.
 */
@serializable({ name: 'reprise.cl.TrainedExperienceAccuracy' })
export class TrainedExperienceAccuracy extends AccuracyPluginMetric {
  lastTrainedExperience = 0;

  constructor() {
    super('Accuracy_On_Trained_Experiences', 'stream', 'stream', 'eval');
  }

  override afterTrainingExp(strategy: StrategyView): MetricValue[] | void {
    this.lastTrainedExperience = strategy.experience!.currentExperience;
    this.reset();
    return super.afterTrainingExp(strategy);
  }

  override update(strategy: StrategyView): void {
    if (strategy.experience!.currentExperience <= this.lastTrainedExperience) super.update(strategy);
  }
}

export interface AccuracyMetricsOptions {
  /** `Top1_Acc_MB`, train. */
  minibatch?: boolean;
  /** `Top1_Acc_Epoch`, train. */
  epoch?: boolean;
  /** `Top1_RunningAcc_Epoch`, train, emitted every iteration. */
  epochRunning?: boolean;
  /** `Top1_Acc_Exp`, eval. */
  experience?: boolean;
  /** `Top1_Acc_Stream`, eval. */
  stream?: boolean;
  /** `Accuracy_On_Trained_Experiences`, eval. */
  trainedExperience?: boolean;
}

/** The original's `accuracy_metrics`: the accuracy metrics asked for (all off by default). */
export function accuracyMetrics(options: AccuracyMetricsOptions = {}): AccuracyPluginMetric[] {
  const out: AccuracyPluginMetric[] = [];
  if (options.minibatch) out.push(new AccuracyPluginMetric('Top1_Acc_MB', 'iteration', 'iteration', 'train'));
  if (options.epoch) out.push(new AccuracyPluginMetric('Top1_Acc_Epoch', 'epoch', 'epoch', 'train'));
  if (options.epochRunning) out.push(new AccuracyPluginMetric('Top1_RunningAcc_Epoch', 'epoch', 'iteration', 'train'));
  if (options.experience) out.push(new AccuracyPluginMetric('Top1_Acc_Exp', 'experience', 'experience', 'eval'));
  if (options.stream) out.push(new AccuracyPluginMetric('Top1_Acc_Stream', 'stream', 'stream', 'eval'));
  if (options.trainedExperience) out.push(new TrainedExperienceAccuracy());
  return out;
}
