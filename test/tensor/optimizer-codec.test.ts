import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { codecNodes, fakeLoad, fakeSave, setField } from './fake-context.js';
import { OPTIMIZER_CASES, internal } from './optimizers.js';
import { ROUND_TRIPS, VIAS } from './round-trips.js';
import { sameTensor, tensorPeakOf } from './setup.js';

type Slot = { originalName: string; variable: tf.Variable };

/** Two variables and a few optimizer steps on a fixed quadratic loss. */
function train(optimizer: tf.Optimizer, steps: number): tf.Variable[] {
  const w = tf.variable(tf.randomNormal([3, 2], 0, 1, 'float32', 5));
  const b = tf.variable(tf.randomNormal([2], 0, 1, 'float32', 6));
  const x = tf.randomNormal([4, 3], 0, 1, 'float32', 7);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.tidy(() => tf.square(tf.matMul(x, w).add(b).sub(1)).mean() as tf.Scalar), false, [w, b]);
  }
  x.dispose();
  return [w, b];
}

function assertSameOptimizer(a: tf.Optimizer, b: tf.Optimizer, slotLists: string[], state: string[]): void {
  assert.equal(Object.getPrototypeOf(b), Object.getPrototypeOf(a));
  assert.deepEqual(b.getConfig(), a.getConfig());
  assert.equal(b.iterations, a.iterations);
  for (const list of slotLists) {
    const [sa, sb] = [internal<Slot[]>(a, list) ?? [], internal<Slot[]>(b, list) ?? []];
    assert.equal(sb.length, sa.length, list);
    sa.forEach((slot, i) => {
      assert.equal(sb[i]!.originalName, slot.originalName);
      assert.ok(sb[i]!.variable instanceof tf.Variable);
      assert.equal(sb[i]!.variable.trainable, false);
      assert.notEqual(sb[i]!.variable, slot.variable);
      assert.ok(sameTensor(sb[i]!.variable, slot.variable), `${list}[${i}]`);
    });
  }
  for (const field of state) {
    const [ta, tb] = [internal<tf.Tensor>(a, field), internal<tf.Tensor>(b, field)];
    assert.ok(sameTensor(tb, ta), field);
    assert.equal(tb instanceof tf.Variable, ta instanceof tf.Variable, field);
    if (ta instanceof tf.Variable) assert.equal((tb as tf.Variable).trainable, ta.trainable, field);
  }
}

for (const [via, roundTrip] of ROUND_TRIPS) {
  for (const c of OPTIMIZER_CASES) {
    test(`${c.name}: config, iterations, slots and state survive (${via})`, () => {
      const optimizer = c.make();
      const vars = train(optimizer, 3);
      const back = roundTrip({ optimizer }).optimizer;
      assertSameOptimizer(optimizer, back, c.slotLists, c.state);
      assert.equal(back.iterations, 3);
      tf.dispose(vars);
      optimizer.dispose();
      back.dispose();
    });

    test(`${c.name}: a never-stepped optimizer round-trips (${via})`, () => {
      const optimizer = c.make();
      const back = roundTrip({ optimizer }).optimizer;
      assertSameOptimizer(optimizer, back, c.slotLists, c.state);
      assert.equal(back.iterations, 0);
      optimizer.dispose();
      back.dispose();
    });
  }
}

test('state tfjs leaves stale is kept as it is: momentum after setMomentum, sgd after a direct learningRate change', () => {
  const momentum = tf.train.momentum(0.1, 0.9);
  momentum.setMomentum(0.5); // tfjs keeps using m = 0.9
  const sgd = tf.train.sgd(0.1);
  (sgd as unknown as { learningRate: number }).learningRate = 0.2; // c stays -0.1
  const back = fakeLoad(fakeSave({ momentum, sgd })) as { momentum: tf.MomentumOptimizer; sgd: tf.SGDOptimizer };
  assert.deepEqual([...internal<tf.Tensor>(back.momentum, 'm').dataSync()], [...internal<tf.Tensor>(momentum, 'm').dataSync()]);
  assert.equal(back.momentum.getConfig().momentum, 0.5);
  assert.deepEqual([...internal<tf.Tensor>(back.sgd, 'c').dataSync()], [...internal<tf.Tensor>(sgd, 'c').dataSync()]);
  [momentum, sgd, back.momentum, back.sgd].forEach((o) => o.dispose());
});

test('Adam keeps accBeta1/accBeta2 as trained, not recomputed with pow', () => {
  const adam = tf.train.adam(0.01, 0.9, 0.999);
  const vars = train(adam, 7);
  const back = fakeLoad(fakeSave({ adam })) as { adam: tf.AdamOptimizer };
  assert.ok(sameTensor(internal(back.adam, 'accBeta1'), internal(adam, 'accBeta1')));
  assert.ok(sameTensor(internal(back.adam, 'accBeta2'), internal(adam, 'accBeta2')));
  tf.dispose(vars);
  adam.dispose();
  back.adam.dispose();
});

test('an optimizer shared by two fields loads as one optimizer', () => {
  const optimizer = tf.train.adam();
  const back = fakeLoad(fakeSave({ a: optimizer, b: { again: optimizer } })) as { a: tf.Optimizer; b: { again: tf.Optimizer } };
  assert.equal(back.a, back.b.again);
  optimizer.dispose();
  back.a.dispose();
});

/** Broken optimizer records and the code each must give. */
const BROKEN: [string, (node: Parameters<typeof setField>[0]) => void, string][] = [
  ['iterations negative', (n) => setField(n, 'iterations', { t: 'prim', v: -1 }), 'BAD_OPTIMIZER'],
  ['iterations fractional', (n) => setField(n, 'iterations', { t: 'prim', v: 1.5 }), 'BAD_OPTIMIZER'],
  ['slots missing', (n) => setField(n, 'slots', { t: 'prim', v: null }), 'BAD_OPTIMIZER'],
  ['a slot list missing', (n) => setField(n, 'slots', { t: 'object', id: 900, entries: [] }), 'BAD_OPTIMIZER'],
  ['state missing a field', (n) => setField(n, 'state', { t: 'object', id: 901, entries: [] }), 'BAD_OPTIMIZER'],
  ['config not JSON', (n) => setField(n, 'config', { t: 'prim', v: 'lr=1' }), 'BAD_STORED_CONFIG'],
  ['config with constructor key', (n) => setField(n, 'config', { t: 'prim', v: '{"constructor":{"prototype":{"x":1}}}' }), 'BAD_STORED_CONFIG'],
];

for (const [name, breakIt, code] of BROKEN) {
  test(`a broken optimizer record is refused: ${name} -> ${code}`, () => {
    const optimizer = tf.train.adam(0.01);
    const vars = train(optimizer, 1);
    const file = fakeSave({ optimizer });
    breakIt(codecNodes(file, 'tf.AdamOptimizer')[0]!.value);
    const before = Object.keys(tf.engine().registeredVariables).length;
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === code && err.path === '.optimizer');
    assert.equal(Object.keys(tf.engine().registeredVariables).length, before, 'a refused optimizer leaked variables');
    tf.dispose(vars);
    optimizer.dispose();
  });
}

test('a state tensor of the wrong shape is refused with BAD_OPTIMIZER', () => {
  const optimizer = tf.train.adam(0.01);
  const other = tf.train.adam(0.01);
  const file = fakeSave({ optimizer, wrong: tf.zeros([2]) });
  // point accBeta1 at the [2] tensor's record
  const wrong = codecNodes(file, 'tf.Tensor')[0]!.value;
  const state = codecNodes(file, 'tf.AdamOptimizer')[0]!.value;
  if (state.t !== 'object') throw new Error('unexpected');
  const stateNode = state.entries.find(([k]) => k === 'state')![1];
  if (stateNode.t !== 'object') throw new Error('unexpected');
  setField(stateNode.entries.find(([k]) => k === 'accBeta1')![1], 'value', wrong);
  assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_OPTIMIZER' && err.path === '.optimizer');
  optimizer.dispose();
  other.dispose();
});

test('optimizer slots are built once from their stored tensors: tensor memory peaks at the slots', () => {
  const w = tf.variable(tf.randomNormal([256, 256], 0, 1, 'float32', 1));
  const b = tf.variable(tf.randomNormal([256], 0, 1, 'float32', 2));
  const optimizer = tf.train.adam(0.01);
  const x = tf.randomNormal([8, 256], 0, 1, 'float32', 3);
  for (let i = 0; i < 2; i++) optimizer.minimize(() => tf.tidy(() => tf.square(tf.matMul(x, w).add(b)).mean() as tf.Scalar), false, [w, b]);
  const slotBytes = 2 * (256 * 256 + 256) * 4;
  for (const via of VIAS) {
    const load = via.save({ optimizer });
    let back: tf.Optimizer | undefined;
    const peak = tensorPeakOf(() => {
      back = (load() as { optimizer: tf.Optimizer }).optimizer;
    });
    // The slots, plus the scalars the constructor makes (accBeta1, accBeta2, their stored values).
    assert.ok(peak <= slotBytes + 64, `${via.name}: tensor memory peaked ${peak} bytes above the start; the slots are ${slotBytes}`);
    back!.dispose();
  }
  tf.dispose([w, b, x]);
  optimizer.dispose();
});
