import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EvaluationPlugin, lossMetrics } from '../../../src/cl/evaluation/index.js';
import { Naive, SupervisedTemplate, crossEntropy, type StrategyPlugin } from '../../../src/cl/training/index.js';
import { Device } from '../../../src/tensor/device.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark, smallModel, streamAccuracy } from '../helpers.js';

before(setupBackend);

function strategy(plugins: StrategyPlugin[] = [], options: Partial<ConstructorParameters<typeof Naive>[0]> = {}): Naive {
  return new Naive({ model: smallModel(), optimizer: tf.train.sgd(0.1), trainMbSize: 64, trainEpochs: 1, evalMbSize: 100, plugins, ...options });
}

class Recorder {
  calls: string[] = [];
  clocks: number[] = [];
  constructor() {
    return new Proxy(this, {
      get: (target, prop, receiver) => {
        if (typeof prop === 'string' && /^(before|after)/.test(prop)) {
          return (s: Naive) => {
            target.calls.push(prop);
            if (prop === 'afterTrainingIteration') target.clocks.push(s.clock.trainIterations);
          };
        }
        return Reflect.get(target, prop, receiver);
      },
    });
  }
}

describe('the strategy template', () => {
  it('calls the plugin callbacks in the original order, before the evaluator and the clock', async () => {
    const recorder = new Recorder();
    const s = strategy([recorder as StrategyPlugin]);
    const b = smallBenchmark();
    await s.train(b.trainStream[0]!);
    await s.eval([b.testStream[0]!]);
    const iteration = ['beforeTrainingIteration', 'beforeForward', 'afterForward', 'beforeBackward', 'afterBackward', 'beforeUpdate', 'afterUpdate', 'afterTrainingIteration'];
    const evalIteration = ['beforeEvalIteration', 'beforeEvalForward', 'afterEvalForward', 'afterEvalIteration'];
    assert.deepEqual(recorder.calls, [
      'beforeTraining', 'beforeTrainDatasetAdaptation', 'afterTrainDatasetAdaptation', 'beforeTrainingExp', 'beforeTrainingEpoch',
      ...iteration, ...iteration, 'afterTrainingEpoch', 'afterTrainingExp', 'afterTraining',
      'beforeEval', 'beforeEvalExp', ...evalIteration, 'afterEvalExp', 'afterEval',
    ]);
    assert.deepEqual(recorder.clocks, [0, 1], 'plugins see the clock before it advances');
    assert.equal(s.plugins.at(-2), s.evaluator);
    assert.equal(s.plugins.at(-1), s.clock);
  });

  it('counts iterations, epochs and experiences on its clock', async () => {
    const s = strategy([], { trainEpochs: 3 });
    const b = smallBenchmark();
    await s.train([b.trainStream[0]!, b.trainStream[1]!]);
    await s.eval(b.testStream);
    assert.deepEqual({ ...s.clock }, {
      trainIterations: 12, trainExpCounter: 2, trainExpEpochs: 3, trainExpIterations: 6, trainEpochIterations: 2, totalIterations: 12 + 5,
    });
  });

  it('learns, returns the metrics of each phase and leaves no tensor behind', async () => {
    const s = strategy([], { trainEpochs: 5 });
    const b = smallBenchmark();
    const before = tf.memory().numTensors;
    const trained = await s.train(b.trainStream[0]!);
    const evaluated = await s.eval([b.testStream[0]!]);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(Object.keys(trained), ['Top1_Acc_Epoch/train_phase/train_stream/Task000', 'Loss_Epoch/train_phase/train_stream/Task000']);
    assert.ok((trained['Top1_Acc_Epoch/train_phase/train_stream/Task000'] as number) > 0.9);
    assert.ok(streamAccuracy(evaluated) > 0.9);
    assert.ok('Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp000' in evaluated);
    assert.equal(s.mbX, undefined);
    assert.equal(s.dataloader, undefined);
  });

  it('adds a plugin penalty to the loss in beforeBackward', async () => {
    const penalty: StrategyPlugin = { beforeBackward: (s) => s.addLoss(tf.scalar(100)) };
    const evaluator = () => new EvaluationPlugin(lossMetrics({ minibatch: true }));
    const b = smallBenchmark();
    const plain = await strategy([], { evaluator }).train(b.trainStream[0]!);
    const penalised = await strategy([penalty], { evaluator }).train(b.trainStream[0]!);
    const key = 'Loss_MB/train_phase/train_stream/Task000';
    assert.ok((penalised[key] as number) > 100 && (plain[key] as number) < 10);
  });

  it('stops after the current iteration when asked', async () => {
    let n = 0;
    const stopper: StrategyPlugin = { afterTrainingIteration: (s) => { if (++n === 1) s.stopTraining(); } };
    const s = strategy([stopper], { trainEpochs: 3 });
    await s.train(smallBenchmark().trainStream[0]!);
    assert.equal(s.clock.trainIterations, 1);
    assert.equal(s.clock.trainExpEpochs, 1);
  });

  it('awaits async callbacks between iterations but refuses them inside the gradient tape', async () => {
    const order: string[] = [];
    const slow: StrategyPlugin = {
      afterTrainingIteration: async () => { await new Promise((r) => setImmediate(r)); order.push('after'); },
      beforeTrainingIteration: () => { order.push('before'); },
    };
    await strategy([slow]).train(smallBenchmark().trainStream[0]!);
    assert.deepEqual(order, ['before', 'after', 'before', 'after']);
    const bad: StrategyPlugin = { beforeForward: async () => {} };
    await assert.rejects(strategy([bad]).train(smallBenchmark().trainStream[0]!), (e: CheckpointError) => e.code === 'ASYNC_CALLBACK');
  });

  it('lets signal handlers run between iterations', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    const seen: number[] = [];
    await strategy([{ afterTrainingIteration: () => { seen.push(ticks); } }], { trainMbSize: 8 }).train(smallBenchmark().trainStream[0]!);
    clearInterval(timer);
    assert.ok(seen.at(-1)! > seen[0]!, 'the event loop turned during training');
  });

  it('holds its settings, a Device and the registered criterion, and is registered', () => {
    const s = strategy([], { device: 'cuda:0' });
    assert.ok(s.device instanceof Device && s.device.toString() === 'cuda:0');
    assert.equal(s.criterion, crossEntropy);
    assert.equal(defaultRegistry.functionName(crossEntropy), 'reprise.cl.crossEntropy');
    assert.equal(defaultRegistry.lookup(s)?.name, 'reprise.cl.Naive');
    const entry = defaultRegistry.lookup(s);
    assert.ok(entry?.kind === 'fields' && entry.exclude.has('dataloader') && entry.exclude.has('mbOutput'));
    assert.ok(s instanceof SupervisedTemplate);
  });

  it('refuses a missing optimizer and non-positive sizes', () => {
    assert.throws(() => new Naive({ model: smallModel(), optimizer: undefined as never }), (e: CheckpointError) => e.path === '.optimizer');
    assert.throws(() => strategy([], { trainMbSize: 0 }), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.trainMbSize');
  });
});
