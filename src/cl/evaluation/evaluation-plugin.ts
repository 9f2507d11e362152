import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { STRATEGY_CALLBACKS, type StrategyCallbackName, type StrategyCallbacks } from '../core/callbacks.js';
import type { BaseLogger } from '../logging/base-logger.js';
import type { StrategyView } from '../core/strategy-view.js';
import type { MetricValue } from '../core/metric-value.js';
import { accuracyMetrics } from './metrics/accuracy.js';
import { lossMetrics } from './metrics/loss.js';
import type { PluginMetric } from './metrics/plugin-metric.js';

/** Metric values by full name: the last value emitted under each name. */
export type MetricResults = Record<string, MetricValue['value']>;

export interface EvaluationPluginOptions {
  /** Receive every emitted value, then the strategy callback. Default none. */
  loggers?: BaseLogger[] | (() => BaseLogger[]);
  /** Keep the history of every value (`getAllMetrics`). Default true. */
  collectAll?: boolean;
}

/** The history of one metric name: x coordinates and values, in emission order. */
export interface MetricHistory {
  x: number[];
  values: Array<MetricValue['value']>;
}

export interface EvaluationPlugin extends StrategyCallbacks<StrategyView> {}

/**
 * The original's `EvaluationPlugin`: on every strategy callback, calls that callback on
 * each metric, records the values they return, passes them to each logger's
 * `logMetrics`, then calls the logger's own callback (with the strategy and the values).
 *
 * @example
 * ```ts
 * const evaluator = new EvaluationPlugin(
 *   accuracyMetrics({ epoch: true, experience: true, stream: true }),
 *   lossMetrics({ epoch: true, stream: true }),
 *   { loggers: [new TextLogger(...)] },
 * );
 * ```
 */
@serializable({ name: 'reprise.cl.EvaluationPlugin', exclude: ['phaseValues'] })
export class EvaluationPlugin {
  metrics: PluginMetric[];
  loggers: BaseLogger[];
  collectAll: boolean;
  /** Every value emitted, by name (when `collectAll`). */
  allMetricResults = new Map<string, MetricHistory>();
  /** The last value emitted under each name. */
  lastMetricResults = new Map<string, MetricValue['value']>();
  /** When false, callbacks emit nothing. */
  active = true;
  private phaseValues: MetricValue[] = [];

  /**
   * Metrics (single or arrays, flattened), optionally followed by the options.
   * @throws UsageError `BAD_CONFIG` when an argument is neither a metric nor the last options object.
   */
  constructor(...args: Array<PluginMetric | readonly PluginMetric[] | EvaluationPluginOptions>) {
    let options: EvaluationPluginOptions = {};
    const last = args[args.length - 1];
    if (last !== undefined && !Array.isArray(last) && isOptions(last)) {
      options = last as EvaluationPluginOptions;
      args = args.slice(0, -1);
    }
    this.metrics = [];
    args.forEach((arg, i) => {
      for (const metric of (Array.isArray(arg) ? arg : [arg]) as PluginMetric[]) {
        if (typeof metric !== 'object' || metric === null || !STRATEGY_CALLBACKS.some((c) => typeof metric[c] === 'function')) {
          throw new UsageError('BAD_CONFIG', `EvaluationPlugin argument ${i} is not a metric (an object with strategy callbacks)`, {
            path: `.metrics[${i}]`,
          });
        }
        this.metrics.push(metric);
      }
    });
    const loggers = options.loggers ?? [];
    this.loggers = typeof loggers === 'function' ? loggers() : [...loggers];
    this.collectAll = options.collectAll ?? true;
  }

  /** The last value of every metric name, as a plain object (the original's `get_last_metrics`). */
  getLastMetrics(): MetricResults {
    return Object.fromEntries(this.lastMetricResults);
  }

  /** The history of every metric name (the original's `get_all_metrics`). */
  getAllMetrics(): Map<string, MetricHistory> {
    return new Map([...this.allMetricResults].map(([k, h]) => [k, { x: [...h.x], values: [...h.values] }]));
  }

  resetLastMetrics(): void {
    this.lastMetricResults = new Map();
  }

  /** Starts collecting the values a `train` or `eval` call returns. */
  startPhase(): void {
    this.phaseValues = [];
  }

  /**
   * The values emitted since {@link startPhase}, to store in a checkpoint taken inside
   * a phase; {@link resumePhase} continues collecting from them.
   */
  phaseState(): MetricValue[] {
    return this.phaseValues;
  }

  /** Continues a phase interrupted by a checkpoint, with the values {@link phaseState} gave. */
  resumePhase(values: readonly MetricValue[]): void {
    this.phaseValues = [...values];
  }

  /** The values emitted since {@link startPhase}, last value per name. */
  phaseResults(): MetricResults {
    const out: MetricResults = {};
    for (const v of this.phaseValues ?? []) out[v.name] = v.value;
    return out;
  }

  /** Runs `callback` on the metrics and loggers; returns a promise only when a logger's callback did. */
  dispatch(strategy: StrategyView, callback: StrategyCallbackName): void | Promise<void> {
    if (!this.active) return;
    const values: MetricValue[] = [];
    for (const metric of this.metrics) {
      const fn = metric[callback];
      if (fn === undefined) continue;
      const result = fn.call(metric, strategy);
      if (Array.isArray(result)) values.push(...result);
    }
    for (const v of values) {
      if (this.collectAll) {
        let history = this.allMetricResults.get(v.name);
        if (!history) this.allMetricResults.set(v.name, (history = { x: [], values: [] }));
        history.x.push(v.xPlot);
        history.values.push(v.value);
      }
      this.lastMetricResults.set(v.name, v.value);
    }
    (this.phaseValues ??= []).push(...values);
    const pending: Promise<void>[] = [];
    for (const logger of this.loggers) {
      if (values.length > 0) logger.logMetrics(values);
      const fn = (logger as unknown as Record<string, unknown>)[callback];
      if (typeof fn !== 'function') continue;
      const result = fn.call(logger, strategy, values) as unknown;
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') pending.push(result as Promise<void>);
    }
    if (pending.length > 0) return Promise.all(pending).then(() => undefined);
  }
}

for (const name of STRATEGY_CALLBACKS) {
  Object.defineProperty(EvaluationPlugin.prototype, name, {
    value(this: EvaluationPlugin, strategy: StrategyView) {
      return this.dispatch(strategy, name);
    },
    writable: true,
    configurable: true,
  });
}

function isOptions(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  return !STRATEGY_CALLBACKS.some((c) => typeof (value as Record<string, unknown>)[c] === 'function');
}

/**
 * The evaluator a strategy gets when given none: accuracy and loss per training epoch,
 * per eval experience and per eval stream, without loggers (the original also adds an
 * `InteractiveLogger`).
 */
export function defaultEvaluator(): EvaluationPlugin {
  return new EvaluationPlugin(
    accuracyMetrics({ epoch: true, experience: true, stream: true }),
    lossMetrics({ epoch: true, experience: true, stream: true }),
  );
}
