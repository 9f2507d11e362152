import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { serialize, deserialize } from '../../../src/checkpoint/index.js';
import { uniqueSorted } from '../../../src/cl/benchmarks/index.js';
import { Cumulative, type StrategyPlugin, type SupervisedTemplate } from '../../../src/cl/training/index.js';
import { setupBackend, smallBenchmark, smallModel } from '../helpers.js';

/** Records the size and classes of the data each experience is trained on. */
class Recorder implements StrategyPlugin {
  seen: Array<{ length: number; classes: number[] }> = [];
  afterTrainDatasetAdaptation(s: SupervisedTemplate): void {
    this.seen.push({ length: s.adaptedDataset!.length, classes: uniqueSorted(s.adaptedDataset!.targets) });
  }
}

describe('Cumulative', () => {
  before(setupBackend);

  it('trains each experience on the data of every experience so far', async () => {
    const benchmark = smallBenchmark();
    const recorder = new Recorder();
    const s = new Cumulative({ model: smallModel(), optimizer: tf.train.sgd(0.05), trainMbSize: 32, plugins: [recorder] });
    for (const exp of benchmark.trainStream.slice(0, 3)) await s.train(exp);
    const sizes = benchmark.trainStream.map((e) => e.dataset.length);
    assert.deepEqual(recorder.seen.map((r) => r.length), [sizes[0], sizes[0]! + sizes[1]!, sizes[0]! + sizes[1]! + sizes[2]!]);
    assert.deepEqual(recorder.seen[2]!.classes, uniqueSorted(benchmark.classesInExperience.slice(0, 3).flat()));
    s.model.dispose();
  });

  it('a checkpoint stores the datasets seen as references to the benchmark, reused on load', async () => {
    const benchmark = smallBenchmark();
    const s = new Cumulative({ model: smallModel(), optimizer: tf.train.sgd(0.05), trainMbSize: 32 });
    for (const exp of benchmark.trainStream.slice(0, 2)) await s.train(exp);
    const bytes = serialize(s);
    const loaded = deserialize(bytes, { uniqueObjects: benchmark }) as Cumulative;
    assert.ok(loaded instanceof Cumulative);
    assert.equal(loaded.datasetsSeen.length, 2);
    assert.equal(loaded.datasetsSeen[0], benchmark.trainStream[0]!.dataset, 'the live dataset is reused, not a copy');
    assert.equal(loaded.datasetsSeen[1], benchmark.trainStream[1]!.dataset);
    assert.ok(bytes.length < 200_000, `the samples are not in the file (${bytes.length} bytes)`);
    s.model.dispose();
    loaded.model.dispose();
  });
});
