import * as path from 'node:path';
import { BaseLogger, type MetricValue } from '../src/cl/index.js';
import { serializable, writeAtomicallySync } from '../src/index.js';

/** JSON with keys sorted at every level, so two runs can be compared byte for byte. */
export function sortedJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    }
    return v;
  };
  return JSON.stringify(sort(value), null, 2) + '\n';
}

/**
 * Writes `metrics_exp<N>.json` after the eval phase that follows training experience N:
 * the last value of every metric emitted during that phase (what `eval` returns).
 * As a logger it runs inside the evaluator, so the file is on disk before the
 * CheckpointPlugin (which runs last) saves; a run killed in between redoes
 * experience N after resuming and writes the same bytes again.
 */
@serializable({ name: 'examples.JsonMetricsLogger', exclude: ['phase'] })
export class JsonMetricsLogger extends BaseLogger {
  private phase: Map<string, MetricValue['value']> | undefined;

  constructor(readonly directory: string) {
    super();
  }

  override beforeEval(): void {
    this.phase = new Map();
  }

  override logSingleMetric(name: string, value: MetricValue['value']): void {
    this.phase?.set(name, value);
  }

  override afterEval(strategy: { clock: { trainExpCounter: number }; isTraining?: boolean }): void {
    const counter = strategy.clock.trainExpCounter;
    if (!this.phase || strategy.isTraining || counter === 0) return;
    const file = path.join(this.directory, `metrics_exp${counter - 1}.json`);
    writeAtomicallySync(file, [Buffer.from(sortedJson(Object.fromEntries(this.phase)))]);
    this.phase = undefined;
  }
}
