import type { StrategyCallbacks } from '../core/callbacks.js';
import type { MetricValue } from '../evaluation/metric-value.js';

/**
 * A logger receives every metric value the `EvaluationPlugin` emits (through
 * `logMetrics`) and, after the metrics, every strategy callback. Subclasses override
 * `logSingleMetric` and any callback they need. A logger opens its files lazily (on
 * first write), so constructing one and discarding it for the checkpoint's has no side
 * effect, and it knows where it writes, so a restored logger continues its files.
 */
export interface BaseLogger extends StrategyCallbacks<any> {}

export abstract class BaseLogger {
  /** Logs each value through `logSingleMetric`. */
  logMetrics(values: readonly MetricValue[]): void {
    for (const v of values) this.logSingleMetric(v.name, v.value, v.xPlot);
  }

  logSingleMetric(_name: string, _value: MetricValue['value'], _xPlot: number): void {}

  /** Flushes and releases open files; the logger reopens them lazily if used again. */
  close(): void {}
}
