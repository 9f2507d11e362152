import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { resetOptimizerState, useFastWasmMatMul } from '../../../src/cl/training/index.js';
import { setupBackend } from '../helpers.js';

before(setupBackend);

describe('useFastWasmMatMul', () => {
  it('computes transposed products as before (to float precision) and is idempotent', (t) => {
    if (tf.getBackend() !== 'wasm') return t.skip('only for the wasm backend');
    const a = tf.randomNormal([5, 7]);
    const b = tf.randomNormal([5, 3]);
    const c = tf.randomNormal([4, 7]);
    const slow = [tf.matMul(a, b, true, false), tf.matMul(a, c, false, true), tf.matMul(b, c.transpose().slice([0, 0], [7, 5]), true, true)];
    const slowValues = slow.map((x) => x.arraySync());
    assert.equal(useFastWasmMatMul(), true);
    assert.equal(useFastWasmMatMul(), true);
    const before = tf.memory().numTensors;
    const fast = [tf.matMul(a, b, true, false), tf.matMul(a, c, false, true), tf.matMul(b, c.transpose().slice([0, 0], [7, 5]), true, true)];
    assert.equal(tf.memory().numTensors, before + 3 + 2, 'no temporary is left (2 are the transpose and slice of the last line)');
    fast.forEach((x, i) => {
      const got = (x.arraySync() as number[][]).flat();
      const want = (slowValues[i] as number[][]).flat();
      assert.equal(got.length, want.length);
      got.forEach((v, k) => assert.ok(Math.abs(v - want[k]!) < 1e-4));
    });
  });
});

describe('resetOptimizerState', () => {
  it('forgets momentum and Adam moments so that the next step starts afresh', () => {
    for (const make of [() => tf.train.momentum(0.1, 0.9), () => tf.train.adam(0.1)]) {
      const w = tf.variable(tf.tensor1d([1, 2]));
      const opt = make();
      const step = () => opt.minimize(() => w.square().sum() as tf.Scalar, false, [w]);
      const fresh = () => {
        const v = tf.variable(tf.tensor1d([1, 2]));
        const o = make();
        o.minimize(() => v.square().sum() as tf.Scalar, false, [v]);
        return Array.from(v.dataSync());
      };
      step();
      step();
      const tensors = tf.memory().numTensors;
      resetOptimizerState(opt);
      assert.ok(tf.memory().numTensors < tensors, 'the slots are disposed');
      w.assign(tf.tensor1d([1, 2]));
      step();
      assert.deepEqual(Array.from(w.dataSync()), fresh());
    }
  });
});
