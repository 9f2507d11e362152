import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { DataLoader, ReplayDataLoader, SampleSet, disposeMiniBatch } from '../../../src/cl/benchmarks/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark } from '../helpers.js';

before(setupBackend);

/** Every batch's labels and first feature, tensors disposed. */
function collect(loader: Iterable<import('../../../src/cl/benchmarks/index.js').MiniBatch>) {
  const out: Array<{ y: number[]; x0: number[]; size: number }> = [];
  for (const b of loader) {
    const x = b.x.arraySync();
    assert.deepEqual(b.x.shape, [b.size, x[0]!.length]);
    assert.deepEqual([...b.y.dataSync()], [...b.yValues]);
    out.push({ y: [...b.yValues], x0: x.map((r) => r[0]!), size: b.size });
    disposeMiniBatch(b);
  }
  return out;
}

describe('DataLoader', () => {
  it('covers the dataset once per pass in batches, the last one smaller', () => {
    const ds = smallBenchmark().trainStream[0]!.dataset;
    const batches = collect(new DataLoader(ds, { batchSize: 50 }));
    assert.deepEqual(batches.map((b) => b.size), [50, 50, 20]);
    assert.deepEqual(batches.flatMap((b) => b.y), [...ds.targets]);
    assert.equal(new DataLoader(ds, { batchSize: 50, dropLast: true }).length, 2);
  });

  it('shuffles with the library generator: the same seed gives the same order, each pass a new one', () => {
    const ds = smallBenchmark().trainStream[0]!.dataset;
    const loader = new DataLoader(ds, { batchSize: 32, shuffle: true });
    RNGManager.setRandomSeeds(4);
    const first = collect(loader);
    const second = collect(loader);
    RNGManager.setRandomSeeds(4);
    assert.deepEqual(collect(loader), first);
    assert.notDeepEqual(second, first);
    assert.deepEqual(first.flatMap((b) => b.x0).sort(), collect(new DataLoader(ds, { batchSize: 500 }))[0]!.x0.sort());
  });

  it('refuses a non-positive batch size', () => {
    const ds = smallBenchmark().trainStream[0]!.dataset;
    assert.throws(() => new DataLoader(ds, { batchSize: 0 }), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.batchSize');
  });
});

describe('ReplayDataLoader', () => {
  it('appends a memory batch to every data batch, cycling a small memory', () => {
    const b = smallBenchmark();
    const data = b.trainStream[1]!.dataset;
    const memory = SampleSet.of(b.trainStream[0]!.dataset, [0, 1, 2, 60, 61]);
    const loader = new ReplayDataLoader(data, memory, { batchSize: 40, batchSizeMem: 3, shuffle: true });
    const batches = collect(loader);
    assert.equal(batches.length, 3);
    const memClasses = new Set(b.trainStream[0]!.classesInThisExperience);
    const memCounts: number[] = [];
    for (const batch of batches) {
      const fromMemory = batch.y.filter((c) => memClasses.has(c));
      assert.deepEqual(batch.y.slice(-fromMemory.length).every((c) => memClasses.has(c)), true);
      memCounts.push(fromMemory.length);
    }
    assert.deepEqual(memCounts, [3, 2, 3], 'the memory of 5 is used up after 3 + 2 and reshuffled');
  });
});

describe('SampleSet', () => {
  it('refers to samples of several datasets by index, and subsets and concatenates without copying', () => {
    const b = smallBenchmark();
    const d0 = b.trainStream[0]!.dataset;
    const d1 = b.trainStream[1]!.dataset;
    const set = SampleSet.of(d0, [5, 6]).concat(SampleSet.of(d1, [7]));
    assert.equal(set.length, 3);
    assert.deepEqual(set.datasets, [d0, d1]);
    assert.deepEqual([...set.targets], [d0.targets[5], d0.targets[6], d1.targets[7]]);
    const sub = set.subset([2]);
    assert.deepEqual(sub.datasets, [d1], 'unused datasets are dropped');
    assert.deepEqual([...sub.indices], [7]);
    const row = new Float32Array(8);
    const expected = new Float32Array(8);
    sub.copyFeatures(0, row, 0);
    d1.copyFeatures(7, expected, 0);
    assert.deepEqual(row, expected);
    assert.throws(() => set.subset([3]), (e: CheckpointError) => e.code === 'BAD_CONFIG');
  });
});
