import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EvaluationPlugin, accuracyMetrics, type MetricValue } from '../../../src/cl/evaluation/index.js';
import { BaseLogger } from '../../../src/cl/logging/base-logger.js';
import { CheckpointError } from '../../../src/errors.js';
import { FakeStrategy } from './fake-strategy.js';

class RecordingLogger extends BaseLogger {
  events: string[] = [];
  override logSingleMetric(name: string, value: MetricValue['value']): void {
    this.events.push(`${name}=${String(value)}`);
  }
  override afterEval(_strategy: unknown): Promise<void> {
    this.events.push('afterEval');
    return new Promise((resolve) => setImmediate(resolve));
  }
}

describe('EvaluationPlugin', () => {
  it('gives each callback to the metrics, then the values to each logger, then the callback to the logger', async () => {
    const logger = new RecordingLogger();
    const evaluator = new EvaluationPlugin(accuracyMetrics({ stream: true }), { loggers: [logger] });
    const s = new FakeStrategy().at('test', 0).batch([1], [1]);
    evaluator.startPhase();
    evaluator.beforeEval!(s.asStrategy);
    evaluator.afterEvalIteration!(s.asStrategy);
    const pending = evaluator.afterEval!(s.asStrategy);
    assert.ok(pending instanceof Promise, 'an async logger callback makes the dispatch awaitable');
    await pending;
    assert.deepEqual(logger.events, ['Top1_Acc_Stream/eval_phase/test_stream/Task000=1', 'afterEval']);
    assert.deepEqual(evaluator.phaseResults(), { 'Top1_Acc_Stream/eval_phase/test_stream/Task000': 1 });
    assert.deepEqual(evaluator.getLastMetrics(), { 'Top1_Acc_Stream/eval_phase/test_stream/Task000': 1 });
    assert.deepEqual(evaluator.getAllMetrics().get('Top1_Acc_Stream/eval_phase/test_stream/Task000'), { x: [0], values: [1] });
  });

  it('flattens metric lists, takes options only as the last argument, and refuses anything else', () => {
    const evaluator = new EvaluationPlugin(accuracyMetrics({ epoch: true, stream: true }), accuracyMetrics({ experience: true })[0]!, { collectAll: false });
    assert.equal(evaluator.metrics.length, 3);
    assert.equal(evaluator.collectAll, false);
    assert.deepEqual(evaluator.loggers, []);
    assert.throws(() => new EvaluationPlugin({ notAMetric: true } as never, {}), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.metrics[0]');
  });

  it('emits nothing while inactive', () => {
    const evaluator = new EvaluationPlugin(accuracyMetrics({ stream: true }));
    evaluator.active = false;
    const s = new FakeStrategy().batch([1], [1]);
    evaluator.startPhase();
    evaluator.beforeEval!(s.asStrategy);
    evaluator.afterEvalIteration!(s.asStrategy);
    evaluator.afterEval!(s.asStrategy);
    assert.deepEqual(evaluator.phaseResults(), {});
  });
});
