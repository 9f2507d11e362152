import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { ClassSubsetDataset, GaussianBlobsDataset, SplitGaussianBlobs } from '../../../src/cl/benchmarks/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark } from '../helpers.js';

before(setupBackend);

describe('SplitGaussianBlobs splits classes into experiences', () => {
  it('gives each experience its classes, its samples and task label 0', () => {
    const b = smallBenchmark();
    assert.equal(b.nClasses, 10);
    assert.equal(b.trainStream.length, 5);
    assert.deepEqual([...b.classOrder].sort((x, y) => x - y), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    b.trainStream.forEach((exp, i) => {
      assert.equal(exp.currentExperience, i);
      assert.equal(exp.streamName, 'train');
      assert.deepEqual(exp.classesInThisExperience, b.classOrder.slice(2 * i, 2 * i + 2).sort((x, y) => x - y));
      assert.equal(exp.dataset.length, 120);
      assert.ok([...exp.dataset.targets].every((c) => exp.classesInThisExperience.includes(c)));
      assert.deepEqual(exp.taskLabels, [0]);
      assert.equal(b.testStream[i]!.dataset.length, 60);
      assert.equal(b.testStream[i]!.streamName, 'test');
    });
  });

  it('labels experience i with task i when returnTaskId', () => {
    const b = smallBenchmark({ returnTaskId: true });
    b.trainStream.forEach((exp, i) => {
      assert.equal(exp.taskLabel, i);
      assert.ok([...exp.dataset.taskLabels].every((t) => t === i));
    });
  });

  it('draws the class order from the seed, or from RNGManager when there is none, and keeps a fixed one', () => {
    assert.deepEqual(smallBenchmark({ seed: 5 }).classOrder, smallBenchmark({ seed: 5 }).classOrder);
    assert.notDeepEqual(smallBenchmark({ seed: 5 }).classOrder, smallBenchmark({ seed: 6 }).classOrder);
    const fixed = [9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
    assert.deepEqual(smallBenchmark({ fixedClassOrder: fixed }).classOrder, fixed);
    const unseeded = () => new SplitGaussianBlobs({ nExperiences: 5, nFeatures: 2, nClasses: 10, samplesPerClass: 2, seed: 1, fixedClassOrder: undefined }).classOrder;
    RNGManager.setRandomSeeds(1);
    const a = unseeded();
    RNGManager.setRandomSeeds(1);
    assert.deepEqual(unseeded(), a);
  });

  it('stores its options with the class order resolved, so a rebuilt benchmark is the same', () => {
    const b = smallBenchmark();
    assert.deepEqual(b.options.fixedClassOrder, b.classOrder);
    const entry = defaultRegistry.lookup(b);
    assert.equal(entry?.name, 'reprise.cl.SplitGaussianBlobs');
    assert.equal(entry?.kind, 'constructor');
    const args = entry!.kind === 'constructor' ? entry!.argsOf(b)! : [];
    const rebuilt = new SplitGaussianBlobs(args[0] as never);
    assert.deepEqual(rebuilt.classOrder, b.classOrder);
    assert.deepEqual([...rebuilt.trainStream[2]!.dataset.targets], [...b.trainStream[2]!.dataset.targets]);
  });

  it('registers its datasets as de-duplicated constructor arguments, never as samples', () => {
    const b = smallBenchmark();
    const subset = b.trainStream[0]!.dataset as ClassSubsetDataset;
    const entry = defaultRegistry.lookup(subset);
    assert.equal(entry?.name, 'reprise.cl.ClassSubsetDataset');
    assert.ok(entry?.kind === 'constructor' && entry.options.deduplicate);
    const args = entry!.kind === 'constructor' ? entry!.argsOf(subset)! : [];
    assert.ok(args[0] instanceof GaussianBlobsDataset);
    assert.deepEqual(args.slice(1), [subset.classes, 0]);
    assert.equal(defaultRegistry.lookup(args[0] as object)?.name, 'reprise.cl.GaussianBlobsDataset');
  });

  it('refuses a number of experiences that does not divide the classes, and a bad fixed order', () => {
    assert.throws(() => smallBenchmark({ nExperiences: 3 }), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.nExperiences');
    assert.throws(() => smallBenchmark({ fixedClassOrder: [0, 1, 2] }), (e: CheckpointError) => e.code === 'BAD_CONFIG' && e.path === '.fixedClassOrder');
    assert.throws(() => new GaussianBlobsDataset({ nFeatures: 0, nClasses: 2, samplesPerClass: 1, seed: 1 }), (e: CheckpointError) => e.path === '.nFeatures');
  });

  it('generates the same data for the same options, with test samples apart from train samples', () => {
    const opts = { nFeatures: 4, nClasses: 3, samplesPerClass: 5, seed: 9 };
    const a = new GaussianBlobsDataset(opts);
    assert.deepEqual(a.features, new GaussianBlobsDataset(opts).features);
    assert.notDeepEqual(a.features, new GaussianBlobsDataset({ ...opts, split: 'test' }).features);
    assert.deepEqual([...a.targets], [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
  });
});
