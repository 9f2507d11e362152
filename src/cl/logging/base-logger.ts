import type { StrategyCallbackName, StrategyCallbacks } from '../core/callbacks.js';
import type { MetricValue } from '../core/metric-value.js';
import type { StrategyView } from '../core/strategy-view.js';

/**
 * The strategy callbacks as optional *methods*. (A mapped type over `STRATEGY_CALLBACKS`
 * would declare them as properties, and TypeScript then refuses a subclass that
 * implements one as a method.) Checked below to list exactly `STRATEGY_CALLBACKS`.
 */
export interface LoggerCallbacks {
  beforeTraining?(strategy: StrategyView): void | Promise<void>;
  beforeTrainingExp?(strategy: StrategyView): void | Promise<void>;
  beforeTrainDatasetAdaptation?(strategy: StrategyView): void | Promise<void>;
  afterTrainDatasetAdaptation?(strategy: StrategyView): void | Promise<void>;
  beforeTrainingEpoch?(strategy: StrategyView): void | Promise<void>;
  beforeTrainingIteration?(strategy: StrategyView): void | Promise<void>;
  beforeForward?(strategy: StrategyView): void | Promise<void>;
  afterForward?(strategy: StrategyView): void | Promise<void>;
  beforeBackward?(strategy: StrategyView): void | Promise<void>;
  afterBackward?(strategy: StrategyView): void | Promise<void>;
  beforeUpdate?(strategy: StrategyView): void | Promise<void>;
  afterUpdate?(strategy: StrategyView): void | Promise<void>;
  afterTrainingIteration?(strategy: StrategyView): void | Promise<void>;
  afterTrainingEpoch?(strategy: StrategyView): void | Promise<void>;
  afterTrainingExp?(strategy: StrategyView): void | Promise<void>;
  afterTraining?(strategy: StrategyView): void | Promise<void>;
  beforeEval?(strategy: StrategyView): void | Promise<void>;
  beforeEvalExp?(strategy: StrategyView): void | Promise<void>;
  beforeEvalIteration?(strategy: StrategyView): void | Promise<void>;
  beforeEvalForward?(strategy: StrategyView): void | Promise<void>;
  afterEvalForward?(strategy: StrategyView): void | Promise<void>;
  afterEvalIteration?(strategy: StrategyView): void | Promise<void>;
  afterEvalExp?(strategy: StrategyView): void | Promise<void>;
  afterEval?(strategy: StrategyView): void | Promise<void>;
}

type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type CallbacksMatch = Assert<SameKeys<keyof LoggerCallbacks, StrategyCallbackName>>;
type CallbacksAssignable = Assert<LoggerCallbacks extends StrategyCallbacks<StrategyView> ? true : false>;

/**
 * A logger receives every metric value the `EvaluationPlugin` emits (through
 * `logMetrics`) and, after the metrics, every strategy callback. Subclasses override
 * `logSingleMetric` and any callback they need. A logger opens its files lazily (on
 * first write), so constructing one and discarding it for the checkpoint's has no side
 * effect, and it knows where it writes, so a restored logger continues its files.
 */
export interface BaseLogger extends LoggerCallbacks {}

export abstract class BaseLogger {
  /** Logs each value through `logSingleMetric`. */
  logMetrics(values: readonly MetricValue[]): void {
    for (const v of values) this.logSingleMetric(v.name, v.value, v.xPlot);
  }

  logSingleMetric(_name: string, _value: MetricValue['value'], _xPlot: number): void {}

  /** Flushes and releases open files; the logger reopens them lazily if used again. */
  close(): void {}
}
