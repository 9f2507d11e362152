import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { SimpleMLP, cloneLayersModel, namedParameters, setTrainable, trainableVariables } from '../../../src/cl/models/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, values } from '../helpers.js';

before(setupBackend);

describe('SimpleMLP', () => {
  it('has the original layout: Dense-ReLU-Dropout blocks then a Dense classifier', () => {
    const m = new SimpleMLP({ inputSize: 6, numClasses: 3, hiddenSize: 5, hiddenLayers: 2 });
    assert.deepEqual(m.features.layers.map((l) => l.getClassName()), ['Dense', 'Dropout', 'Dense', 'Dropout']);
    assert.equal(m.dropRate, 0.5);
    assert.deepEqual(namedParameters(m).map((p) => p.name), [
      'features.0.kernel', 'features.0.bias', 'features.2.kernel', 'features.2.bias', 'classifier.0.kernel', 'classifier.0.bias',
    ]);
    const out = tf.tidy(() => m.forward(tf.ones([4, 6]) as tf.Tensor2D, new Int32Array(4), false));
    assert.deepEqual(out.shape, [4, 3]);
    out.dispose();
    assert.equal(defaultRegistry.lookup(m)?.name, 'reprise.cl.SimpleMLP');
    m.dispose();
  });

  it('uses dropout only when training', () => {
    const m = new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 64, dropRate: 0.5 });
    const x = tf.ones([8, 4]) as tf.Tensor2D;
    const a = m.forward(x, new Int32Array(8), false);
    const b = m.forward(x, new Int32Array(8), false);
    const c = m.forward(x, new Int32Array(8), true);
    assert.deepEqual(values(a), values(b));
    assert.notDeepEqual(values(a), values(c));
    tf.dispose([x, a, b, c]);
    m.dispose();
  });

  it('is initialised from the managed generators: the same seed gives the same weights', () => {
    RNGManager.setRandomSeeds(21);
    const a = new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 3 });
    RNGManager.setRandomSeeds(21);
    const b = new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 3 });
    assert.deepEqual(namedParameters(a).map((p) => values(p.variable)), namedParameters(b).map((p) => values(p.variable)));
    a.dispose();
    b.dispose();
  });

  it('clones into an independent model with the same weights, without drawing random numbers', () => {
    const m = new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 3 });
    RNGManager.setRandomSeeds(2);
    const state = RNGManager.getState();
    const copy = m.clone();
    assert.deepEqual(RNGManager.getState(), state);
    assert.deepEqual(namedParameters(copy).map((p) => values(p.variable)), namedParameters(m).map((p) => values(p.variable)));
    const kernel = namedParameters(m)[0]!.variable;
    const zeros = tf.zerosLike(kernel);
    kernel.assign(zeros);
    zeros.dispose();
    assert.notDeepEqual(values(namedParameters(copy)[0]!.variable), values(kernel));
    m.dispose();
    copy.dispose();
  });

  it('keeps frozen layers frozen in copies, and trains only unfrozen variables', () => {
    const m = new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 3 });
    setTrainable(m.features, false);
    assert.equal(trainableVariables(m).length, 2);
    assert.deepEqual(namedParameters(m).map((p) => p.trainable), [false, false, true, true]);
    const copy = cloneLayersModel(m.features);
    assert.equal(copy.trainableWeights.length, 0);
    m.dispose();
    copy.dispose();
  });

  it('refuses sizes below one and a drop rate outside [0, 1)', () => {
    assert.throws(() => new SimpleMLP({ hiddenSize: 0 }), (e: CheckpointError) => e.path === '.hiddenSize');
    assert.throws(() => new SimpleMLP({ dropRate: 1 }), (e: CheckpointError) => e.path === '.dropRate');
  });
});
