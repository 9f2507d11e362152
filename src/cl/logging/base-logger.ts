import type { StrategyCallbackName, StrategyCallbacks } from '../core/callbacks.js';
import type { MetricValue } from '../evaluation/metric-value.js';

/**
 * The strategy callbacks as optional *methods*. (A mapped type over `STRATEGY_CALLBACKS`
 * would declare them as properties, and TypeScript then refuses a subclass that
 * implements one as a method.) Checked below to list exactly `STRATEGY_CALLBACKS`.
 */
export interface LoggerCallbacks {
  beforeTraining?(strategy: any): void | Promise<void>;
  beforeTrainingExp?(strategy: any): void | Promise<void>;
  beforeTrainDatasetAdaptation?(strategy: any): void | Promise<void>;
  afterTrainDatasetAdaptation?(strategy: any): void | Promise<void>;
  beforeTrainingEpoch?(strategy: any): void | Promise<void>;
  beforeTrainingIteration?(strategy: any): void | Promise<void>;
  beforeForward?(strategy: any): void | Promise<void>;
  afterForward?(strategy: any): void | Promise<void>;
  beforeBackward?(strategy: any): void | Promise<void>;
  afterBackward?(strategy: any): void | Promise<void>;
  beforeUpdate?(strategy: any): void | Promise<void>;
  afterUpdate?(strategy: any): void | Promise<void>;
  afterTrainingIteration?(strategy: any): void | Promise<void>;
  afterTrainingEpoch?(strategy: any): void | Promise<void>;
  afterTrainingExp?(strategy: any): void | Promise<void>;
  afterTraining?(strategy: any): void | Promise<void>;
  beforeEval?(strategy: any): void | Promise<void>;
  beforeEvalExp?(strategy: any): void | Promise<void>;
  beforeEvalIteration?(strategy: any): void | Promise<void>;
  beforeEvalForward?(strategy: any): void | Promise<void>;
  afterEvalForward?(strategy: any): void | Promise<void>;
  afterEvalIteration?(strategy: any): void | Promise<void>;
  afterEvalExp?(strategy: any): void | Promise<void>;
  afterEval?(strategy: any): void | Promise<void>;
}

type SameKeys<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Assert<T extends true> = T;
type CallbacksMatch = Assert<SameKeys<keyof LoggerCallbacks, StrategyCallbackName>>;
type CallbacksAssignable = Assert<LoggerCallbacks extends StrategyCallbacks<any> ? true : false>;

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
