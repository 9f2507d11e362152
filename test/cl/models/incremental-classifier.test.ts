import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { deserialize, serialize } from '../../../src/checkpoint/index.js';
import { asIncremental, IncrementalClassifier } from '../../../src/cl/models/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark, smallModel } from '../helpers.js';

describe('IncrementalClassifier', () => {
  before(setupBackend);

  it('grows to the largest class + 1 when training, keeps the old units, masks classes not trained on', () => {
    const benchmark = smallBenchmark({ fixedClassOrder: [3, 1, 0, 2, 4, 5, 6, 7, 8, 9] });
    const model = asIncremental(smallModel({ numClasses: 2 }), 'classifier');
    assert.equal(model.outFeatures, 2);
    model.adaptation(benchmark.trainStream[0]!, false);
    assert.equal(model.outFeatures, 2, 'evaluation does not grow it');
    model.adaptation(benchmark.trainStream[0]!, true); // classes 1, 3
    assert.equal(model.outFeatures, 4);
    assert.deepEqual([...model.activeUnits], [0, 1, 0, 1]);
    const kernelBefore = model.classifier.getWeights()[0]!.arraySync() as number[][];
    model.adaptation(benchmark.trainStream[2]!, true); // classes 4, 5
    assert.equal(model.outFeatures, 6);
    assert.deepEqual([...model.activeUnits], [0, 1, 0, 1, 1, 1]);
    const kernelAfter = model.classifier.getWeights()[0]!.arraySync() as number[][];
    assert.deepEqual(kernelAfter.map((row) => row.slice(0, 4)), kernelBefore, 'the first units keep their weights');
    const out = model.forward(tf.ones([2, 8]) as tf.Tensor2D, Int32Array.of(0, 0), false).arraySync();
    for (const row of out) {
      assert.equal(row.length, 6);
      assert.equal(row[0], -1000);
      assert.equal(row[2], -1000);
      assert.notEqual(row[1], -1000);
    }
    model.dispose();
  });

  it('round-trips through a checkpoint with its width, mask and weights', () => {
    const benchmark = smallBenchmark();
    const model = asIncremental(smallModel({ numClasses: 2 }), 'classifier');
    model.adaptation(benchmark.trainStream[1]!, true);
    const loaded = deserialize(serialize(model)) as IncrementalClassifier;
    assert.ok(loaded instanceof IncrementalClassifier);
    assert.equal(loaded.outFeatures, model.outFeatures);
    assert.deepEqual([...loaded.activeUnits], [...model.activeUnits]);
    const x = tf.randomNormal([3, 8]) as tf.Tensor2D;
    assert.deepEqual(loaded.forward(x, Int32Array.of(0, 0, 0), false).arraySync(), model.forward(x, Int32Array.of(0, 0, 0), false).arraySync());
    model.dispose();
    loaded.dispose();
  });

  it('asIncremental on a model without such a classifier is BAD_CONFIG', () => {
    assert.throws(() => asIncremental(smallModel(), 'head'), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_CONFIG');
  });
});
