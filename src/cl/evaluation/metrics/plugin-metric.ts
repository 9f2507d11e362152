import type { StrategyCallbackName } from '../../core/callbacks.js';
import type { StrategyView } from '../../core/strategy-view.js';
import type { MetricValue } from '../../core/metric-value.js';

/** When a metric forgets what it accumulated. */
export type ResetAt = 'iteration' | 'epoch' | 'experience' | 'stream' | 'never';
/** When a metric emits its values. */
export type EmitAt = 'iteration' | 'epoch' | 'experience' | 'stream';
/** The phase a metric watches. */
export type MetricMode = 'train' | 'eval';

/** A metric as the evaluation plugin sees it: callbacks that may return values to emit. */
export type PluginMetric = {
  [K in StrategyCallbackName]?: (strategy: StrategyView) => MetricValue[] | void;
};

/**
 * The original's `GenericPluginMetric`: accumulates in `afterTrainingIteration` (train
 * mode) or `afterEvalIteration` (eval mode), resets before the `resetAt` unit of its
 * phase starts and emits after the `emitAt` unit ends. Subclasses hold their state
 * in plain fields (Maps of counts) so that a checkpoint stores it.
 */
export abstract class GenericPluginMetric implements PluginMetric {
  constructor(
    /** Base of the emitted names, e.g. `Top1_Acc_Stream`. */
    readonly name: string,
    readonly resetAt: ResetAt,
    readonly emitAt: EmitAt,
    readonly mode: MetricMode,
  ) {}

  abstract reset(): void;
  abstract update(strategy: StrategyView): void;
  /** The values to emit now. */
  protected abstract packageResult(strategy: StrategyView): MetricValue[];

  beforeTraining(): void {
    if (this.resetAt === 'stream' && this.mode === 'train') this.reset();
  }
  beforeTrainingExp(_strategy?: StrategyView): void {
    if (this.resetAt === 'experience' && this.mode === 'train') this.reset();
  }
  beforeTrainingEpoch(): void {
    if (this.resetAt === 'epoch' && this.mode === 'train') this.reset();
  }
  beforeTrainingIteration(): void {
    if (this.resetAt === 'iteration' && this.mode === 'train') this.reset();
  }
  afterTrainingIteration(strategy: StrategyView): MetricValue[] | void {
    if (this.mode === 'train') this.update(strategy);
    if (this.emitAt === 'iteration' && this.mode === 'train') return this.packageResult(strategy);
  }
  afterTrainingEpoch(strategy: StrategyView): MetricValue[] | void {
    if (this.emitAt === 'epoch' && this.mode === 'train') return this.packageResult(strategy);
  }
  afterTrainingExp(strategy: StrategyView): MetricValue[] | void {
    if (this.emitAt === 'experience' && this.mode === 'train') return this.packageResult(strategy);
  }
  afterTraining(strategy: StrategyView): MetricValue[] | void {
    if (this.emitAt === 'stream' && this.mode === 'train') return this.packageResult(strategy);
  }
  beforeEval(_strategy?: StrategyView): void {
    if (this.resetAt === 'stream' && this.mode === 'eval') this.reset();
  }
  beforeEvalExp(_strategy?: StrategyView): void {
    if (this.resetAt === 'experience' && this.mode === 'eval') this.reset();
  }
  beforeEvalIteration(): void {
    if (this.resetAt === 'iteration' && this.mode === 'eval') this.reset();
  }
  afterEvalIteration(strategy: StrategyView): MetricValue[] | void {
    if (this.mode === 'eval') this.update(strategy);
    if (this.emitAt === 'iteration' && this.mode === 'eval') return this.packageResult(strategy);
  }
  afterEvalExp(strategy: StrategyView): MetricValue[] | void {
    if (this.emitAt === 'experience' && this.mode === 'eval') return this.packageResult(strategy);
  }
  afterEval(strategy: StrategyView): MetricValue[] | void {
    if (this.emitAt === 'stream' && this.mode === 'eval') return this.packageResult(strategy);
  }
}

/** The task label each sample of the mini-batch counts under: the experience's when it has one, else the sample's own (as the original). */
export function sampleTasks(strategy: StrategyView): { single: number } | { perSample: Int32Array } {
  const labels = strategy.experience!.taskLabels;
  return labels.length === 1 ? { single: labels[0]! } : { perSample: strategy.mbTaskValues! };
}

/** A running weighted mean, as the original's `Mean`. */
export interface MeanState {
  sum: number;
  weight: number;
}

export function meanOf(m: MeanState | undefined): number {
  return m && m.weight > 0 ? m.sum / m.weight : 0;
}

/** The entries of a Map ordered by numeric key. */
export function sortedEntries<V>(map: Map<number, V>): Array<[number, V]> {
  return [...map].sort((a, b) => a[0] - b[0]);
}
