import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { storedVariableName } from '../../src/tensor/index.js';
import { codecNodes, fakeLoad, fakeSave, setField } from './fake-context.js';
import { ROUND_TRIPS, VIAS } from './round-trips.js';
import { sameTensor } from './setup.js';

let unique = 0;
const freshName = (stem: string) => `${stem}_${process.pid}_${unique++}`;

for (const [via, roundTrip] of ROUND_TRIPS) {
  test(`a variable keeps value, dtype, trainable; its taken name becomes name:1 (${via})`, () => {
    const name = freshName('w');
    const v = tf.variable(tf.tensor2d([1, 2, 3, 4], [2, 2]), false, name);
    const back = roundTrip({ v }).v;
    assert.ok(back instanceof tf.Variable);
    assert.ok(sameTensor(back, v));
    assert.equal(back.trainable, false);
    assert.equal(back.name, `${name}:1`);
    assert.equal(storedVariableName(back), name);
    assert.equal(tf.engine().registeredVariables[back.name], back);
    tf.dispose([v, back]);
  });

  test(`loading the same variable twice gives name:1 then name:2 (${via})`, () => {
    const name = freshName('twice');
    const v = tf.variable(tf.scalar(1), true, name);
    const a = roundTrip({ v }).v;
    const b = roundTrip({ v }).v;
    assert.deepEqual([a.name, b.name], [`${name}:1`, `${name}:2`]);
    tf.dispose([v, a, b]);
  });

  test(`a variable and a tensor sharing its data are one section and stay distinct objects (${via})`, () => {
    const t = tf.tensor1d([1, 2, 3]);
    const v = tf.variable(t, true, freshName('shared'));
    const back = roundTrip({ t, v });
    assert.ok(back.v instanceof tf.Variable);
    assert.ok(!(back.t instanceof tf.Variable));
    assert.ok(sameTensor(back.t, back.v));
    assert.equal(fakeSave({ t, v }).sections.length, 1);
    tf.dispose([t, v, back.t, back.v]);
  });

  test(`a mapLocation function is told the variable's stored name (${via})`, () => {
    const name = freshName('placed');
    const v = tf.variable(tf.zeros([3]), true, name);
    const seen: unknown[] = [];
    const back = roundTrip({ v }, { deviceTag: 'cuda:0' }, { mapLocation: (info: unknown) => (seen.push(info), 'cpu') }).v;
    assert.deepEqual(seen, [{ dtype: 'float32', shape: [3], name }]);
    tf.dispose([v, back]);
  });
}

for (const via of VIAS) {
  test(`a variable whose name is free loads under it (${via.name})`, () => {
    const name = freshName('free');
    const v = tf.variable(tf.tensor1d([5, 6], 'int32'), true, name);
    const load = via.save({ v });
    v.dispose();
    const back = (load() as { v: tf.Variable }).v;
    assert.equal(back.name, name);
    assert.equal(back.dtype, 'int32');
    assert.deepEqual([...back.dataSync()], [5, 6]);
    assert.equal(back.trainable, true);
    assert.equal(storedVariableName(back), undefined);
    back.dispose();
  });
}

test('engine-numbered names are never reused, so unnamed variables created later do not collide', () => {
  const probe = tf.variable(tf.scalar(0));
  const soon = String(Number(probe.name) + 2); // a name the engine will hand out shortly
  const file = fakeSave({ v: probe });
  setField(codecNodes(file, 'tf.Variable')[0]!.value, 'name', { t: 'prim', v: soon });
  const back = (fakeLoad(file) as { v: tf.Variable }).v;
  assert.notEqual(back.name, soon);
  assert.equal(storedVariableName(back), soon);
  const later = Array.from({ length: 5 }, () => tf.variable(tf.scalar(0)));
  tf.dispose([probe, back, ...later]);
});

test('names that are taken through the prototype of tfjs\' registry get a fresh name', () => {
  const v = tf.variable(tf.scalar(1), true, freshName('proto'));
  for (const hostile of ['__proto__', 'toString', 'constructor']) {
    const file = fakeSave({ v });
    setField(codecNodes(file, 'tf.Variable')[0]!.value, 'name', { t: 'prim', v: hostile });
    const back = (fakeLoad(file) as { v: tf.Variable }).v;
    assert.equal(back.name, `${hostile}:1`);
    assert.equal(Object.getPrototypeOf(tf.engine().registeredVariables), Object.prototype);
    back.dispose();
  }
  v.dispose();
});

test('a malformed variable record is refused with BAD_TENSOR at its path', () => {
  const v = tf.variable(tf.scalar(1), true, freshName('bad'));
  for (const [key, value] of [['name', 3], ['trainable', 'yes']] as const) {
    const file = fakeSave({ v });
    setField(codecNodes(file, 'tf.Variable')[0]!.value, key, { t: 'prim', v: value });
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_TENSOR' && err.path === '.v');
  }
  v.dispose();
});
