import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  AMCAPluginMetric, ExperienceForgetting, StreamForgetting, accuracyMetrics, classAccuracyMetrics, lossMetrics,
  type MetricValue, type PluginMetric,
} from '../../../src/cl/evaluation/index.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { FakeStrategy } from './fake-strategy.js';

/** Calls `callback` on `metric` with the fake strategy; returns what it emitted as {name: value}. */
function call(metric: PluginMetric, callback: keyof PluginMetric, s: FakeStrategy): Record<string, MetricValue['value']> {
  const out = metric[callback]?.(s.asStrategy);
  return Object.fromEntries((out ?? []).map((v) => [v.name, v.value]));
}

/** One eval phase over experiences [i, batches] of the test stream. */
function evalPhase(metric: PluginMetric, s: FakeStrategy, exps: Array<[number, Array<[number[], number[]]>]>) {
  const emitted: Record<string, MetricValue['value']> = {};
  s.isTraining = false;
  Object.assign(emitted, call(metric, 'beforeEval', s));
  for (const [i, batches] of exps) {
    s.at('test', i);
    Object.assign(emitted, call(metric, 'beforeEvalExp', s));
    for (const [p, y] of batches) {
      s.batch(p, y);
      Object.assign(emitted, call(metric, 'beforeEvalIteration', s), call(metric, 'afterEvalIteration', s));
    }
    Object.assign(emitted, call(metric, 'afterEvalExp', s));
  }
  Object.assign(emitted, call(metric, 'afterEval', s));
  return emitted;
}

/** Training on experience `i` of the train stream (no batches: only the callbacks the metrics use). */
function trainOn(metric: PluginMetric, s: FakeStrategy, i: number) {
  s.isTraining = true;
  s.at('train', i);
  call(metric, 'beforeTraining', s);
  call(metric, 'beforeTrainingExp', s);
  call(metric, 'afterTrainingExp', s);
  call(metric, 'afterTraining', s);
  s.isTraining = false;
}

describe('accuracy metrics', () => {
  it('emit per task, named as the original, and reset at their unit', () => {
    const [exp, stream] = accuracyMetrics({ experience: true, stream: true });
    const s = new FakeStrategy();
    s.clock.trainIterations = 42;
    const phase = () => {
      const out: Record<string, unknown> = {};
      for (const m of [exp!, stream!]) Object.assign(out, evalPhase(m, s, [[0, [[[1, 1], [1, 0]]]], [1, [[[2, 2, 2, 0], [2, 2, 2, 2]]]]]));
      return out;
    };
    assert.deepEqual(phase(), {
      'Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp000': 0.5,
      'Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp001': 0.75,
      'Top1_Acc_Stream/eval_phase/test_stream/Task000': 4 / 6,
    });
    assert.deepEqual(phase()['Top1_Acc_Stream/eval_phase/test_stream/Task000'], 4 / 6, 'the stream metric reset');
    assert.equal(stream!.afterEval(s.asStrategy)?.[0]?.xPlot, 42);
    assert.equal(defaultRegistry.lookup(stream!)?.name, 'reprise.cl.AccuracyPluginMetric');
  });

  it('split an experience with several task labels by sample', () => {
    const [stream] = accuracyMetrics({ stream: true });
    const s = new FakeStrategy().at('test', 0, [0, 1]);
    call(stream!, 'beforeEval', s);
    s.batch([1, 1, 0], [1, 0, 0], [0, 0, 1]);
    call(stream!, 'afterEvalIteration', s);
    assert.deepEqual(call(stream!, 'afterEval', s), {
      'Top1_Acc_Stream/eval_phase/test_stream/Task000': 0.5,
      'Top1_Acc_Stream/eval_phase/test_stream/Task001': 1,
    });
  });

  it('minibatch and epoch accuracy follow training iterations', () => {
    const [mb, epoch] = accuracyMetrics({ minibatch: true, epoch: true });
    const s = new FakeStrategy().at('train', 0);
    s.isTraining = true;
    for (const m of [mb!, epoch!]) call(m, 'beforeTrainingEpoch', s);
    const emitted: Array<Record<string, unknown>> = [];
    for (const [p, y] of [[[1], [1]], [[0], [1]]]) {
      s.batch(p!, y!);
      for (const m of [mb!, epoch!]) call(m, 'beforeTrainingIteration', s);
      emitted.push({ ...call(mb!, 'afterTrainingIteration', s), ...call(epoch!, 'afterTrainingIteration', s) });
    }
    assert.deepEqual(emitted, [{ 'Top1_Acc_MB/train_phase/train_stream/Task000': 1 }, { 'Top1_Acc_MB/train_phase/train_stream/Task000': 0 }]);
    assert.deepEqual(call(epoch!, 'afterTrainingEpoch', s), { 'Top1_Acc_Epoch/train_phase/train_stream/Task000': 0.5 });
  });
});

describe('loss metrics', () => {
  it('average the strategy loss weighted by batch size', () => {
    const [stream] = lossMetrics({ stream: true });
    const s = new FakeStrategy().at('test', 0);
    call(stream!, 'beforeEval', s);
    s.batch([0, 0, 0], [0, 0, 0]).loss = 1;
    call(stream!, 'afterEvalIteration', s);
    s.batch([0], [0]).loss = 5;
    call(stream!, 'afterEvalIteration', s);
    assert.deepEqual(call(stream!, 'afterEval', s), { 'Loss_Stream/eval_phase/test_stream/Task000': 2 });
  });
});

describe('class accuracy metrics', () => {
  it('emit one value per task and class, declared classes included', () => {
    const [stream] = classAccuracyMetrics({ stream: true, classes: [0, 1, 2, 3] });
    const s = new FakeStrategy();
    assert.deepEqual(evalPhase(stream!, s, [[0, [[[1, 1, 0], [1, 2, 2]]]]]), {
      'Top1_ClassAcc_Stream/eval_phase/test_stream/Task000/0': 0,
      'Top1_ClassAcc_Stream/eval_phase/test_stream/Task000/1': 1,
      'Top1_ClassAcc_Stream/eval_phase/test_stream/Task000/2': 0,
      'Top1_ClassAcc_Stream/eval_phase/test_stream/Task000/3': 0,
    });
  });
});

describe('forgetting metrics', () => {
  it('remember the accuracy right after training on an experience, across experiences', () => {
    const exp = new ExperienceForgetting();
    const stream = new StreamForgetting();
    const s = new FakeStrategy();
    const phases: Array<Record<string, unknown>> = [];
    const run = (accuracies: Array<[number, number]>) => {
      const batches = accuracies.map(([i, acc]): [number, Array<[number[], number[]]>] => [i, [[acc === 1 ? [1, 1] : acc === 0.5 ? [1, 0] : [0, 0], [1, 1]]]]);
      phases.push({ ...evalPhase(exp, s, batches), ...evalPhase(stream, s, batches) });
    };
    for (const m of [exp, stream]) trainOn(m, s, 0);
    run([[0, 1], [1, 0]]);
    for (const m of [exp, stream]) trainOn(m, s, 1);
    run([[0, 0.5], [1, 1]]);
    assert.deepEqual(phases[0], { 'StreamForgetting/eval_phase/test_stream': 0 });
    assert.deepEqual(phases[1], {
      'ExperienceForgetting/eval_phase/test_stream/Task000/Exp000': 0.5,
      'StreamForgetting/eval_phase/test_stream': 0.5,
    });
    assert.deepEqual([...exp.initial], [[0, 1], [1, 1]]);
    assert.equal(defaultRegistry.lookup(stream)?.name, 'reprise.cl.StreamForgetting');
  });
});

describe('AMCA', () => {
  it('averages the mean class accuracy of each eval phase over all phases', () => {
    const amca = new AMCAPluginMetric();
    const s = new FakeStrategy();
    const first = evalPhase(amca, s, [[0, [[[0, 1, 1, 1], [0, 0, 1, 1]]]]]);
    assert.deepEqual(first, { 'Top1_AMCA_Stream/eval_phase/test_stream/Task000': 0.75 });
    const second = evalPhase(amca, s, [[0, [[[0, 0], [0, 1]]]]]);
    assert.deepEqual(second, { 'Top1_AMCA_Stream/eval_phase/test_stream/Task000': (0.75 + 0.5) / 2 });
    assert.deepEqual(amca.streams.get('test')!.previous, [new Map([[0, 0.75]]), new Map([[0, 0.5]])]);
  });

  it('ignores eval phases run during training', () => {
    const amca = new AMCAPluginMetric();
    const s = new FakeStrategy();
    amca.beforeTraining();
    assert.deepEqual(evalPhase(amca, s, [[0, [[[0], [0]]]]]), {});
    amca.afterTraining();
    assert.equal(amca.streams.size, 0);
  });
});
