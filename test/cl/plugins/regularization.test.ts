import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { asMultitask, namedParameters, type CLModel } from '../../../src/cl/models/index.js';
import { EWCPlugin, LwFPlugin, SynapticIntelligencePlugin } from '../../../src/cl/plugins/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { Naive, type StrategyPlugin } from '../../../src/cl/training/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark, smallModel, values } from '../helpers.js';

before(setupBackend);

function naive(plugins: StrategyPlugin[], model: CLModel = smallModel()): Naive {
  return new Naive({ model, optimizer: tf.train.sgd(0.1), trainMbSize: 32, trainEpochs: 3, evalMbSize: 300, plugins });
}

function weights(model: CLModel): number[][] {
  return namedParameters(model).map((p) => values(p.variable));
}

/**
 * Squared distance the weights moved while training on the second experience, with
 * `plugin` or none, each weight weighted by `weight(name)` (default 1).
 */
async function drift(plugin: StrategyPlugin | undefined, weight?: (name: string) => number[]): Promise<number> {
  const b = smallBenchmark();
  RNGManager.setRandomSeeds(2);
  const s = naive(plugin ? [plugin] : []);
  await s.train(b.trainStream[0]!);
  const before = namedParameters(s.model).map((p) => ({ name: p.name, w: values(p.variable) }));
  await s.train(b.trainStream[1]!);
  const after = weights(s.model);
  let sum = 0;
  before.forEach(({ name, w }, k) => {
    const f = weight?.(name);
    w.forEach((v, i) => (sum += (f ? f[i]! : 1) * (after[k]![i]! - v) ** 2));
  });
  return sum;
}

describe('EWCPlugin', () => {
  it('stores importances per experience and only the last parameters', async () => {
    const ewc = new EWCPlugin({ lambda: 1 });
    const s = naive([ewc]);
    const b = smallBenchmark();
    await s.train(b.trainStream.slice(0, 3));
    assert.deepEqual([...ewc.importances.keys()], [0, 1, 2]);
    assert.deepEqual([...ewc.savedParams.keys()], [2]);
    assert.deepEqual([...ewc.savedParams.get(2)!.keys()], namedParameters(s.model).map((p) => p.name));
    assert.deepEqual(values(ewc.savedParams.get(2)!.get('classifier.0.kernel')!), values(namedParameters(s.model)[2]!.variable));
    const importance = values(ewc.importances.get(2)!.get('features.0.kernel')!);
    assert.ok(importance.every((v) => v >= 0) && importance.some((v) => v > 0));
  });

  it('keeps every experience with keepImportanceData, and one decayed importance online', async () => {
    const b = smallBenchmark();
    const kept = new EWCPlugin({ lambda: 1, keepImportanceData: true });
    await naive([kept]).train(b.trainStream.slice(0, 2));
    assert.deepEqual([...kept.savedParams.keys()], [0, 1]);
    const online = new EWCPlugin({ lambda: 1, mode: 'online', decayFactor: 0.5 });
    await naive([online]).train(b.trainStream.slice(0, 2));
    assert.deepEqual([...online.importances.keys()], [1]);
    assert.throws(() => new EWCPlugin({ lambda: 1, mode: 'online' }), (e: CheckpointError) => e.path === '.decayFactor');
  });

  it('moves the weights that mattered for the previous experience less than Naive does', async () => {
    const ewc = new EWCPlugin({ lambda: 100, keepImportanceData: true });
    const importance = (name: string) => values(ewc.importances.get(0)!.get(name)!);
    const withEwc = await drift(ewc, importance);
    const plain = await drift(undefined, importance);
    assert.ok(withEwc < 0.5 * plain, `importance-weighted drift ${withEwc} vs ${plain}`);
  });
});

describe('SynapticIntelligencePlugin', () => {
  it('accumulates clipped importances and anchors at the end of each experience', async () => {
    const si = new SynapticIntelligencePlugin({ lambda: 1 });
    const s = naive([si]);
    await s.train(smallBenchmark().trainStream.slice(0, 2));
    const names = namedParameters(s.model).map((p) => p.name);
    assert.deepEqual([...si.importances.keys()], names);
    assert.deepEqual(values(si.anchors.get('features.0.bias')!), values(namedParameters(s.model)[1]!.variable));
    const importance = values(si.importances.get('features.0.kernel')!);
    assert.ok(importance.every((v) => v <= Math.fround(0.001)) && importance.some((v) => v > 0));
  });

  it('holds the weights nearer to the previous experience than Naive does', async () => {
    const withSi = await drift(new SynapticIntelligencePlugin({ lambda: 3000 }));
    const plain = await drift(undefined);
    assert.ok(withSi < 0.6 * plain, `drift ${withSi} vs ${plain}`);
  });
});

describe('LwFPlugin', () => {
  it('keeps a frozen copy of the model and the classes seen per task', async () => {
    const lwf = new LwFPlugin({ alpha: 1, temperature: 2 });
    const s = naive([lwf]);
    const b = smallBenchmark();
    await s.train(b.trainStream[0]!);
    assert.equal(lwf.expCount, 1);
    assert.notEqual(lwf.prevModel, s.model);
    assert.deepEqual(weights(lwf.prevModel!), weights(s.model));
    assert.deepEqual([...lwf.prevClassesByTask], [[0, b.classesInExperience[0]]]);
    const afterFirst = weights(s.model);
    const firstCopy = lwf.prevModel;
    await s.train(b.trainStream[1]!);
    // the copy is replaced by the model as trained on the second experience, not kept from the first
    assert.equal(lwf.expCount, 2);
    assert.notEqual(lwf.prevModel, firstCopy);
    assert.notEqual(lwf.prevModel, s.model);
    assert.deepEqual(weights(lwf.prevModel!), weights(s.model));
    assert.notDeepEqual(weights(lwf.prevModel!), afterFirst, 'training on the second experience moved the weights');
    assert.deepEqual([...lwf.prevClassesByTask], [[0, [...b.classesInExperience[0]!, ...b.classesInExperience[1]!].sort((x, y) => x - y)]]);
  });

  it('adds a distillation loss that is zero while the model equals its copy and positive once it moved', async () => {
    const b = smallBenchmark();
    const losses: number[] = [];
    const spy: StrategyPlugin = { afterTrainingIteration: (s) => { if (s.clock.trainExpCounter === 1) losses.push(s.lossValue()); } };
    const plainLosses: number[] = [];
    const plainSpy: StrategyPlugin = { afterTrainingIteration: (s) => { if (s.clock.trainExpCounter === 1) plainLosses.push(s.lossValue()); } };
    RNGManager.setRandomSeeds(5);
    await naive([new LwFPlugin({ alpha: 10 }), spy]).train(b.trainStream.slice(0, 2));
    RNGManager.setRandomSeeds(5);
    await naive([plainSpy]).train(b.trainStream.slice(0, 2));
    assert.ok(Math.abs(losses[0]! - plainLosses[0]!) < 1e-5, `first iteration: ${losses[0]} vs ${plainLosses[0]}`);
    assert.ok(losses.at(-1)! > plainLosses.at(-1)!);
  });

  it('distills every previous head of a multi-head model', async () => {
    const b = smallBenchmark({ returnTaskId: true });
    const lwf = new LwFPlugin();
    const s = naive([lwf], asMultitask(smallModel({ numClasses: 2 }), 'classifier'));
    await s.train(b.trainStream.slice(0, 3));
    assert.deepEqual([...lwf.prevClassesByTask.keys()], [0, 1, 2]);
    assert.equal((lwf.prevModel as ReturnType<typeof asMultitask>).heads.size, 3);
    const results = await s.eval(b.testStream.slice(0, 3));
    assert.ok((results['Top1_Acc_Stream/eval_phase/test_stream/Task000'] as number) > 0.8);
  });

  it('refuses a non-positive temperature', () => {
    assert.throws(() => new LwFPlugin({ temperature: 0 }), (e: CheckpointError) => e.path === '.temperature');
  });
});
