/**
 * The exact-resume contract at the tensor layer: a model and its optimizer trained a few
 * steps, saved, loaded and trained further end with the same bytes as the same
 * training that never stopped. Compared bit for bit, never with a tolerance.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OPTIMIZER_CASES, internal } from './optimizers.js';
import { VIAS } from './round-trips.js';
import { backend, bytesOf } from './setup.js';

const STEPS_BEFORE = 3;
const STEPS_AFTER = 3;

function makeModel(): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ units: 8, activation: 'sigmoid', inputShape: [4] }), // not relu: tfjs' centered RMSProp turns a zero gradient into NaN
      tf.layers.dense({ units: 8, activation: 'tanh' }),
      tf.layers.dense({ units: 3 }),
    ],
  });
  model.setWeights(model.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 0.5, 'float32', 40 + i)));
  model.layers[1]!.weights[1]!.trainable = false; // a frozen bias: the optimizer skips it
  return model;
}

const batches = Array.from({ length: STEPS_BEFORE + STEPS_AFTER }, (_, i) => ({
  x: tf.randomNormal([5, 4], 0, 1, 'float32', 1000 + i),
  y: tf.randomNormal([5, 3], 0, 1, 'float32', 2000 + i),
}));

function step(model: tf.LayersModel, optimizer: tf.Optimizer, k: number): void {
  const { x, y } = batches[k]!;
  const varList = model.trainableWeights.map((w) => w.read() as tf.Variable);
  optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x, { training: true }) as tf.Tensor) as tf.Scalar, false, varList);
}

/** Every byte of the model's weights and of the optimizer's slots, in a fixed order. */
function fingerprint(model: tf.LayersModel, optimizer: tf.Optimizer, slotLists: string[]): Buffer {
  const parts = model.weights.map((w) => bytesOf(w.read()));
  for (const list of slotLists) {
    for (const slot of internal<{ variable: tf.Variable }[]>(optimizer, list) ?? []) parts.push(bytesOf(slot.variable));
  }
  return Buffer.concat(parts);
}

for (const via of VIAS) {
  for (const c of OPTIMIZER_CASES) {
    test(`${c.name}: trained, saved, loaded and trained on gives the bytes of training straight through (${via.name}, ${backend})`, () => {
      const straight = makeModel();
      const straightOptimizer = c.make();
      for (let k = 0; k < STEPS_BEFORE + STEPS_AFTER; k++) step(straight, straightOptimizer, k);

      const first = makeModel();
      const firstOptimizer = c.make();
      for (let k = 0; k < STEPS_BEFORE; k++) step(first, firstOptimizer, k);
      const load = via.save({ model: first, optimizer: firstOptimizer });
      // the originals stay alive: the loaded model must coexist with them
      const resumed = load() as { model: tf.LayersModel; optimizer: tf.Optimizer };
      for (let k = STEPS_BEFORE; k < STEPS_BEFORE + STEPS_AFTER; k++) step(resumed.model, resumed.optimizer, k);

      assert.equal(resumed.optimizer.iterations, straightOptimizer.iterations);
      const expected = fingerprint(straight, straightOptimizer, c.slotLists);
      const actual = fingerprint(resumed.model, resumed.optimizer, c.slotLists);
      assert.ok(expected.length > 0);
      assert.ok(!new Float32Array(expected.buffer, expected.byteOffset, expected.length / 4).some(Number.isNaN), 'training diverged: the comparison would be vacuous');
      assert.ok(actual.equals(expected), 'resumed training differs from training straight through');
      // and the run did move: the resumed weights are not simply the saved ones
      assert.ok(!fingerprint(first, firstOptimizer, c.slotLists).equals(actual));

      [straight, first, resumed.model].forEach((m) => m.dispose());
      [straightOptimizer, firstOptimizer, resumed.optimizer].forEach((o) => o.dispose());
    });
  }
}

for (const via of VIAS) {
  test(`a compiled model resumes model.fit exactly: weights and optimizer slots (${via.name}, ${backend})`, async () => {
    const xs = tf.randomNormal([12, 4], 0, 1, 'float32', 77);
    const ys = tf.randomNormal([12, 3], 0, 1, 'float32', 78);
    const fit = (m: tf.LayersModel, epochs: number) => m.fit(xs, ys, { epochs, batchSize: 4, shuffle: false, verbose: 0 });
    const compiled = () => {
      const m = makeModel();
      m.compile({ optimizer: tf.train.adam(0.02), loss: 'meanSquaredError', metrics: ['mse'] });
      return m;
    };
    const straight = compiled();
    await fit(straight, 4);
    const first = compiled();
    await fit(first, 2);
    const resumed = (via.save({ model: first })() as { model: tf.LayersModel }).model;
    await fit(resumed, 2);
    const slots = ['accumulatedFirstMoment', 'accumulatedSecondMoment'];
    const expected = fingerprint(straight, straight.optimizer, slots);
    assert.ok(fingerprint(resumed, resumed.optimizer, slots).equals(expected), 'resumed fit differs from fitting straight through');
    assert.ok(!fingerprint(first, first.optimizer, slots).equals(expected));
    [straight, first, resumed].forEach((m) => (m.optimizer.dispose(), m.dispose()));
    tf.dispose([xs, ys]);
  });
}
