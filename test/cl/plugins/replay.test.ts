import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SampleSet } from '../../../src/cl/benchmarks/index.js';
import { ClassBalancedBuffer, ExperienceBalancedBuffer, ReplayPlugin, ReservoirSamplingBuffer } from '../../../src/cl/plugins/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { Naive, type StrategyPlugin } from '../../../src/cl/training/index.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark, smallModel, streamAccuracy, trainAndEvaluate } from '../helpers.js';

before(setupBackend);

function naive(plugins: StrategyPlugin[], epochs = 1): Naive {
  return new Naive({ model: smallModel(), optimizer: tf.train.sgd(0.1), trainMbSize: 32, trainEpochs: epochs, evalMbSize: 300, plugins });
}

describe('ReservoirSamplingBuffer', () => {
  it('keeps a random sample of maxSize of everything it was shown, reproducibly', () => {
    const b = smallBenchmark();
    const pick = () => {
      RNGManager.setRandomSeeds(3);
      const r = new ReservoirSamplingBuffer(10);
      r.updateFromDataset(b.trainStream[0]!.dataset);
      r.updateFromDataset(b.trainStream[1]!.dataset);
      return r;
    };
    const r = pick();
    assert.equal(r.buffer.length, 10);
    assert.deepEqual([...r.weights], [...r.weights].sort((x, y) => y - x));
    assert.deepEqual(pick().buffer, r.buffer);
    assert.ok(r.buffer.datasets.every((d) => d === b.trainStream[0]!.dataset || d === b.trainStream[1]!.dataset));
    r.resize(4);
    assert.equal(r.buffer.length, 4);
    assert.equal(r.weights.length, 4);
  });
});

describe('ReplayPlugin', () => {
  it('fills an experience-balanced memory with indices into the benchmark datasets', async () => {
    const b = smallBenchmark();
    const replay = new ReplayPlugin({ memSize: 31 });
    await naive([replay]).train(b.trainStream.slice(0, 3));
    const policy = replay.storagePolicy as ExperienceBalancedBuffer;
    assert.deepEqual([...policy.groups].map(([k, g]) => [k, g.buffer.length]), [[0, 11], [1, 10], [2, 10]]);
    const memory = policy.buffer;
    assert.ok(memory instanceof SampleSet);
    assert.deepEqual(memory.datasets, b.trainStream.slice(0, 3).map((e) => e.dataset));
    assert.equal(defaultRegistry.lookup(replay)?.name, 'reprise.cl.ReplayPlugin');
    assert.equal(defaultRegistry.lookup(policy)?.name, 'reprise.cl.ExperienceBalancedBuffer');
  });

  it('balances a class-balanced memory over the classes seen', async () => {
    const b = smallBenchmark();
    const replay = new ReplayPlugin({ memSize: 20, storagePolicy: 'class' });
    await naive([replay]).train(b.trainStream.slice(0, 2));
    const policy = replay.storagePolicy as ClassBalancedBuffer;
    assert.deepEqual(policy.seenClasses, [...b.classesInExperience[0]!, ...b.classesInExperience[1]!].sort((x, y) => x - y));
    for (const [cls, group] of policy.groups) {
      assert.equal(group.buffer.length, 5);
      assert.ok([...group.buffer.targets].every((t) => t === cls));
    }
  });

  it('appends memory samples to each batch from the second experience on', async () => {
    const b = smallBenchmark();
    const sizes: number[] = [];
    const spy: StrategyPlugin = { afterTrainingIteration: (s) => { sizes.push(s.mbYValues!.length); } };
    await naive([new ReplayPlugin({ memSize: 20, batchSizeMem: 8 }), spy]).train(b.trainStream.slice(0, 2));
    assert.deepEqual(sizes, [32, 32, 32, 24, 32 + 8, 32 + 8, 32 + 4, 24 + 8], 'a memory of 20 gives 8, 8, then its last 4, then reshuffles');
  });

  it('clearly beats Naive on the stream after five class-incremental experiences', async () => {
    const b = smallBenchmark();
    RNGManager.setRandomSeeds(1);
    const plain = await trainAndEvaluate(naive([], 3), b.trainStream, b.testStream);
    RNGManager.setRandomSeeds(1);
    const replayed = await trainAndEvaluate(naive([new ReplayPlugin({ memSize: 100 })], 3), b.trainStream, b.testStream);
    const [n, r] = [streamAccuracy(plain.at(-1)!), streamAccuracy(replayed.at(-1)!)];
    assert.ok(r > n + 0.15, `replay ${r} vs naive ${n}`);
  });

  it('refuses a storage policy of another size', () => {
    assert.throws(() => new ReplayPlugin({ memSize: 10, storagePolicy: new ClassBalancedBuffer(20) }), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.storagePolicy.maxSize');
    assert.throws(() => new ExperienceBalancedBuffer(10, false), (e: CheckpointError) => e.path === '.numExperiences');
  });
});
