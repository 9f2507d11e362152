import { serializable } from '../../../registry/index.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';
import { metricName } from './metric-name.js';
import type { MeanState, PluginMetric } from './plugin-metric.js';

/**
 * The original's `ExperienceForgetting`: for each evaluated experience, its accuracy
 * measured right after training on it (`initial`) minus its accuracy now (`last`).
 * Emitted after each eval experience that has both (so not right after its own
 * training), as `ExperienceForgetting/eval_phase/<stream>_stream/TaskNNN/ExpNNN`.
 * `initial` persists across experiences: that is the state a checkpoint must keep.
 */
@serializable({ name: 'reprise.cl.ExperienceForgetting' })
export class ExperienceForgetting implements PluginMetric {
  /** Accuracy of each experience just after training on it. */
  initial = new Map<number, number>();
  /** Accuracy of each experience in the current eval phase. */
  last = new Map<number, number>();
  /** Accuracy on the experience being evaluated. */
  current: MeanState = { sum: 0, weight: 0 };
  trainExpId: number | undefined = undefined;
  evalExpId: number | undefined = undefined;

  constructor(readonly name = 'ExperienceForgetting') {}

  /** `initial − last` of experience `k`, or undefined when either is missing. */
  forgettingOf(k: number): number | undefined {
    const i = this.initial.get(k);
    const l = this.last.get(k);
    return i === undefined || l === undefined ? undefined : i - l;
  }

  beforeTrainingExp(strategy: StrategyView): void {
    this.trainExpId = strategy.experience!.currentExperience;
  }

  beforeEval(_strategy?: StrategyView): void {
    this.last = new Map();
  }

  beforeEvalExp(_strategy?: StrategyView): void {
    this.current = { sum: 0, weight: 0 };
  }

  afterEvalIteration(strategy: StrategyView): void {
    this.evalExpId = strategy.experience!.currentExperience;
    const predicted = strategy.mbPredictions();
    const truth = strategy.mbYValues!;
    let correct = 0;
    for (let i = 0; i < truth.length; i++) if (predicted[i] === truth[i]) correct++;
    this.current.sum += correct;
    this.current.weight += truth.length;
  }

  afterEvalExp(strategy: StrategyView): MetricValue[] | void {
    this.record();
    const forgetting = this.evalExpId === undefined ? undefined : this.forgettingOf(this.evalExpId);
    if (forgetting === undefined) return;
    return [{ name: metricName(this.name, strategy, { addExperience: true }), value: forgetting, xPlot: strategy.clock.trainIterations }];
  }

  /** Stores the accuracy of the experience just evaluated as `initial` (just trained on) or `last`. */
  protected record(): void {
    if (this.evalExpId === undefined) return;
    const accuracy = this.current.weight > 0 ? this.current.sum / this.current.weight : 0;
    if (this.trainExpId === this.evalExpId) this.initial.set(this.evalExpId, accuracy);
    else this.last.set(this.evalExpId, accuracy);
  }
}

/**
 * The original's `StreamForgetting`: the mean of the experience forgetting over the
 * experiences of the eval phase that have one (0 when none), emitted after the phase as
 * `StreamForgetting/eval_phase/<stream>_stream`.
 */
@serializable({ name: 'reprise.cl.StreamForgetting' })
export class StreamForgetting extends ExperienceForgetting {
  streamForgetting: MeanState = { sum: 0, weight: 0 };

  constructor() {
    super('StreamForgetting');
  }

  override beforeEval(): void {
    super.beforeEval();
    this.streamForgetting = { sum: 0, weight: 0 };
  }

  override afterEvalExp(): void {
    this.record();
    const forgetting = this.evalExpId === undefined ? undefined : this.forgettingOf(this.evalExpId);
    if (forgetting !== undefined) {
      this.streamForgetting.sum += forgetting;
      this.streamForgetting.weight += 1;
    }
  }

  afterEval(strategy: StrategyView): MetricValue[] {
    const m = this.streamForgetting;
    return [
      {
        name: `${this.name}/${strategy.isTraining ? 'train' : 'eval'}_phase/${strategy.experience!.streamName}_stream`,
        value: m.weight > 0 ? m.sum / m.weight : 0,
        xPlot: strategy.clock.trainIterations,
      },
    ];
  }
}

export interface ForgettingMetricsOptions {
  /** `ExperienceForgetting`. */
  experience?: boolean;
  /** `StreamForgetting`. */
  stream?: boolean;
}

/** The original's `forgetting_metrics` (all off by default). */
export function forgettingMetrics(options: ForgettingMetricsOptions = {}): PluginMetric[] {
  const out: PluginMetric[] = [];
  if (options.experience) out.push(new ExperienceForgetting());
  if (options.stream) out.push(new StreamForgetting());
  return out;
}
