import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { codecNodes, fakeLoad, fakeSave, field, setField, type Node } from './fake-context.js';
import { ROUND_TRIPS, VIAS } from './round-trips.js';
import { bytesOf, sameTensor, tensorPeakOf } from './setup.js';

let unique = 0;
const uid = (stem: string) => `${stem}${process.pid}x${unique++}`;

/** Deterministic weights, so that the models differ from their zero-initialised rebuilds. */
function fillWeights(model: tf.LayersModel, seed: number): void {
  model.setWeights(model.weights.map((w, i) => tf.randomNormal(w.shape as number[], 0, 1, 'float32', seed + i)));
}

function sequentialModel(): tf.Sequential {
  const m = tf.sequential({ name: uid('seq') });
  m.add(tf.layers.dense({ units: 5, activation: 'relu', inputShape: [3] }));
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.dense({ units: 2, activation: 'softmax', kernelConstraint: tf.constraints.maxNorm({ maxValue: 0.5 }) }));
  fillWeights(m, 1);
  return m;
}

function functionalModel(): tf.LayersModel {
  const input = tf.input({ shape: [4] });
  const hidden = tf.layers.dense({ units: 6, activation: 'tanh' }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([hidden, input]) as tf.SymbolicTensor;
  const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [10] }), tf.layers.dense({ units: 2 })] });
  const out = inner.apply(joined) as tf.SymbolicTensor;
  const m = tf.model({ inputs: input, outputs: out, name: uid('fn') });
  fillWeights(m, 100);
  return m;
}

function assertSameModel(a: tf.LayersModel, b: tf.LayersModel, input: tf.Tensor): void {
  assert.equal(b.constructor, a.constructor);
  assert.equal(b.name, a.name);
  assert.equal(b.weights.length, a.weights.length);
  a.weights.forEach((w, i) => {
    assert.ok(sameTensor(w.read(), b.weights[i]!.read()), `weight ${w.originalName}`);
    assert.notEqual(b.weights[i]!.read(), w.read());
  });
  const [ya, yb] = [a.predict(input) as tf.Tensor, b.predict(input) as tf.Tensor];
  assert.ok(Buffer.from(bytesOf(ya)).equals(Buffer.from(bytesOf(yb))), 'outputs differ');
  tf.dispose([ya, yb]);
}

for (const [via, roundTrip] of ROUND_TRIPS) {
  test(`a Sequential model round-trips while the original lives: same weights, same outputs (${via})`, () => {
    const model = sequentialModel();
    const back = roundTrip({ model }).model;
    assert.ok(back instanceof tf.Sequential);
    const x = tf.randomNormal([4, 3], 0, 1, 'float32', 9);
    assertSameModel(model, back, x);
    tf.dispose(x);
    model.dispose();
    back.dispose();
  });

  test(`a functional model with a nested Sequential round-trips (${via})`, () => {
    const model = functionalModel();
    const back = roundTrip({ model }).model;
    assert.ok(back instanceof tf.LayersModel && !(back instanceof tf.Sequential));
    const x = tf.randomNormal([3, 4], 0, 1, 'float32', 11);
    assertSameModel(model, back, x);
    tf.dispose(x);
    model.dispose();
    back.dispose();
  });

  test(`trainable flags of model, layers, nested layers and weights survive (${via})`, () => {
    const model = functionalModel();
    model.layers[1]!.trainable = false;
    const inner = model.layers.find((l) => l instanceof tf.Sequential) as tf.Sequential;
    inner.layers[1]!.trainable = false;
    inner.layers[0]!.weights[1]!.trainable = false; // one bias alone
    const frozen = sequentialModel();
    frozen.trainable = false;
    const back = roundTrip({ model, frozen });
    const flags = (m: tf.LayersModel) => ({
      model: m.trainable,
      layers: m.layers.map((l) => l.trainable),
      weights: m.weights.map((w) => w.trainable),
      trainableCount: m.trainableWeights.length,
    });
    assert.deepEqual(flags(back.model), flags(model));
    assert.deepEqual(flags(back.frozen), flags(frozen));
    const backInner = back.model.layers.find((l) => l instanceof tf.Sequential) as tf.Sequential;
    assert.deepEqual(backInner.layers.map((l) => l.trainable), [true, false]);
    assert.equal(back.frozen.trainableWeights.length, 0);
    [model, frozen, back.model, back.frozen].forEach((m) => m.dispose());
  });

  test(`a model and the optimizer beside it load without sharing variables with the originals (${via})`, () => {
    const model = sequentialModel();
    const before = Object.keys(tf.engine().registeredVariables).length;
    const back = roundTrip({ model, again: model });
    assert.equal(back.model, back.again);
    assert.equal(Object.keys(tf.engine().registeredVariables).length, before + model.weights.length);
    model.dispose();
    back.model.dispose();
  });
}

for (const [via, roundTrip] of ROUND_TRIPS) {
  test(`a compiled model is compiled again: shared optimizer, loss, metrics, ownership (${via})`, () => {
    const shared = tf.train.momentum(0.1, 0.9);
    const a = sequentialModel();
    a.compile({ optimizer: shared, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
    const b = sequentialModel();
    b.compile({ optimizer: 'sgd', loss: ['meanSquaredError'] });
    const plain = sequentialModel();
    const back = roundTrip({ a, b, plain, shared });
    assert.equal(back.a.optimizer, back.shared);
    assert.equal(back.a.loss, 'categoricalCrossentropy');
    assert.deepEqual(back.a.metricsNames, a.metricsNames);
    assert.equal((back.a as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned, false);
    assert.ok(back.b.optimizer instanceof tf.SGDOptimizer);
    assert.deepEqual(back.b.loss, ['meanSquaredError']);
    assert.equal((back.b as unknown as { isOptimizerOwned: boolean }).isOptimizerOwned, true);
    assert.equal(back.plain.optimizer, undefined);
    [a, b, plain, back.a, back.b, back.plain].forEach((m) => m.dispose());
    shared.dispose();
    back.shared.dispose();
  });

  test(`the weights compile collected stay collected after trainable changes (${via})`, () => {
    const model = sequentialModel();
    model.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    model.layers[0]!.trainable = false; // tfjs keeps training it until the next compile
    // a Sequential keeps what compile collected on its inner model
    const collected = (m: tf.LayersModel) =>
      (m as unknown as { model: { collectedTrainableWeights: tf.LayerVariable[] } }).model.collectedTrainableWeights.map((w) => w.originalName);
    assert.equal(collected(model).length, 6);
    const back = roundTrip({ model }).model;
    assert.deepEqual(collected(back), collected(model));
    assert.equal(back.layers[0]!.trainable, false);
    model.dispose();
    back.dispose();
  });
}

test('a compiled model with an unregistered loss function is refused at save with its path', () => {
  const model = sequentialModel();
  model.compile({ optimizer: tf.train.sgd(0.1), loss: (y: tf.Tensor, p: tf.Tensor) => tf.losses.absoluteDifference(y, p) });
  const [, roundTrip] = ROUND_TRIPS[1]!;
  assert.throws(() => roundTrip({ model }), (err: unknown) => err instanceof CheckpointError && err.path.startsWith('.model'));
  model.dispose();
});

test('loading a model draws no random numbers (initialisers are skipped)', () => {
  const model = sequentialModel();
  const file = fakeSave({ model });
  const original = Math.random;
  let calls = 0;
  Math.random = () => (calls++, original());
  try {
    (fakeLoad(file) as { model: tf.LayersModel }).model.dispose();
  } finally {
    Math.random = original;
  }
  assert.equal(calls, 0);
  model.dispose();
});

test('weights are restored as saved, without re-applying constraints', () => {
  const model = sequentialModel();
  const kernel = model.layers[2]!.weights[0]!;
  kernel.write(tf.fill(kernel.shape as number[], 3)); // violates maxNorm(0.5): a constraint pass would change it
  const back = (fakeLoad(fakeSave({ model })) as { model: tf.LayersModel }).model;
  assert.ok(sameTensor(back.layers[2]!.weights[0]!.read(), kernel.read()));
  model.dispose();
  back.dispose();
});

test('a loose variable holding a name the rebuilt model wants does not break the rebuild', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: uid('clash') })] });
  const layerName = model.layers[0]!.name;
  const file = fakeSave({ model });
  // tfjs-layers will name the rebuilt kernel `<layer>/kernel_1`: take that name first.
  const squatter = tf.variable(tf.scalar(0), true, `${layerName}/kernel_1`);
  const before = new Set(Object.keys(tf.engine().registeredVariables));
  const back = (fakeLoad(file) as { model: tf.LayersModel }).model;
  const added = Object.keys(tf.engine().registeredVariables).filter((n) => !before.has(n));
  assert.deepEqual(added.sort(), back.weights.map((w) => (w.read() as tf.Variable).name).sort(), 'the failed attempt leaked variables');
  assert.ok(sameTensor(back.weights[0]!.read(), model.weights[0]!.read()));
  tf.dispose([squatter]);
  model.dispose();
  back.dispose();
});

/** Broken model records and the code each must give. */
const BROKEN: [string, (file: ReturnType<typeof fakeSave>) => void, string][] = [
  ['config not JSON', (f) => setField(record(f), 'config', { t: 'prim', v: '{nope' }), 'BAD_STORED_CONFIG'],
  ['config an array', (f) => setField(record(f), 'config', { t: 'prim', v: '[]' }), 'BAD_STORED_CONFIG'],
  ['config with __proto__', (f) => editConfig(f, (c) => c.replace('"name"', '"__proto__":{"polluted":1},"name"')), 'BAD_STORED_CONFIG'],
  ['unregistered layer class', (f) => editConfig(f, (c) => c.replace('"className":"Dense"', '"className":"EvilLayer"')), 'UNKNOWN_CLASS'],
  ['class name from Object.prototype', (f) => editConfig(f, (c) => c.replace('"className":"Dense"', '"className":"toString"')), 'UNKNOWN_CLASS'],
  ['weights missing', (f) => setField(record(f), 'weights', { t: 'prim', v: null }), 'BAD_MODEL'],
  ['one weight too few', (f) => dropLastWeight(f), 'BAD_MODEL'],
  ['one weight too many', (f) => repeatLastWeight(f), 'BAD_MODEL'],
  ['a weight entry not a record', (f) => editWeight(f, () => ({ t: 'prim', v: 5 })), 'BAD_MODEL'],
  ['a weight entry null', (f) => editWeight(f, () => ({ t: 'prim', v: null })), 'BAD_MODEL'],
  ['a weight without a boolean trainable', (f) => editWeight(f, (w) => (setField(w, 'trainable', { t: 'prim', v: 1 }), w)), 'BAD_MODEL'],
  ['a weight of the wrong shape', (f) => editConfig(f, (c) => c.replace('"units":2', '"units":3')), 'BAD_MODEL'],
  ['impossible topology', (f) => editConfig(f, (c) => c.replace('"units":2', '"units":-3')), 'MODEL_REBUILD'],
];

function record(file: ReturnType<typeof fakeSave>) {
  return codecNodes(file, 'tf.Sequential')[0]!.value;
}
function editConfig(file: ReturnType<typeof fakeSave>, edit: (json: string) => string) {
  const node = record(file);
  if (node.t !== 'object') throw new Error('unexpected');
  const config = node.entries.find(([k]) => k === 'config')![1] as { t: 'prim'; v: string };
  setField(node, 'config', { t: 'prim', v: edit(config.v) });
}
function dropLastWeight(file: ReturnType<typeof fakeSave>) {
  const node = record(file);
  if (node.t !== 'object') throw new Error('unexpected');
  const weights = node.entries.find(([k]) => k === 'weights')![1];
  if (weights.t !== 'array') throw new Error('unexpected');
  weights.items.pop();
}

function editWeight(file: ReturnType<typeof fakeSave>, edit: (w: Node) => Node) {
  const weights = field(record(file), 'weights');
  if (weights.t !== 'array') throw new Error('unexpected');
  weights.items[0] = edit(weights.items[0]!);
}
function repeatLastWeight(file: ReturnType<typeof fakeSave>) {
  const node = record(file);
  if (node.t !== 'object') throw new Error('unexpected');
  const weights = node.entries.find(([k]) => k === 'weights')![1];
  if (weights.t !== 'array') throw new Error('unexpected');
  weights.items.push(weights.items[weights.items.length - 1]!);
}

for (const [name, breakIt, code] of BROKEN) {
  test(`a broken model record is refused: ${name} -> ${code}`, () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
    const file = fakeSave({ model });
    breakIt(file);
    const before = Object.keys(tf.engine().registeredVariables).length;
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === code && err.path === '.model');
    assert.equal(Object.keys(tf.engine().registeredVariables).length, before, 'a refused model leaked variables');
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    model.dispose();
  });
}

test('a disposed model is refused with DISPOSED_TENSOR', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
  model.dispose();
  assert.throws(() => fakeSave({ model }), (err: unknown) => err instanceof CheckpointError && err.code === 'DISPOSED_TENSOR' && err.path === '.model');
});

test('a loaded model is built once with its stored weights: nothing zero-filled, tensor memory peaks at the weights', () => {
  for (const [via, roundTrip] of ROUND_TRIPS) {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 64, inputShape: [256] }), tf.layers.dense({ units: 10 })] });
    fillWeights(model, 7);
    const weightBytes = model.weights.reduce((n, w) => n + w.read().size * 4, 0);
    const save = VIAS.find((v) => v.name === via)!.save({ model });
    let back: tf.LayersModel | undefined;
    // Zero-filled then assigned, a weight was held twice at once: the peak was the weights and the largest again.
    const peak = tensorPeakOf(() => {
      back = (save() as { model: tf.LayersModel }).model;
    });
    assert.ok(peak <= weightBytes, `${via}: tensor memory peaked ${peak} bytes above the start; the weights are ${weightBytes}`);
    model.weights.forEach((w, i) => assert.ok(sameTensor(w.read(), back!.weights[i]!.read())));
    model.dispose();
    back!.dispose();
    void roundTrip;
  }
});

test('a nested model built ahead of the layers listed before it still gets each stored weight in its place', () => {
  for (const [via, roundTrip] of ROUND_TRIPS) {
    // Every kernel is [3, 3] and every bias [3]: matching by shape alone would mix them up.
    const input = tf.input({ shape: [3] });
    const first = tf.layers.dense({ units: 3 }).apply(input) as tf.SymbolicTensor;
    const inner = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] }), tf.layers.dense({ units: 3 })] });
    const out = tf.layers.dense({ units: 3 }).apply(inner.apply(first) as tf.SymbolicTensor) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out, name: uid('nested') });
    fillWeights(model, 300);
    const tensors = tf.memory().numTensors;
    const back = roundTrip({ model }).model;
    assert.equal(tf.memory().numTensors - tensors, model.weights.length, 'the load left tensors of its own behind');
    const x = tf.randomNormal([2, 3], 0, 1, 'float32', 5);
    assertSameModel(model, back, x);
    tf.dispose(x);
    model.dispose();
    back.dispose();
    void via;
  }
});

test('a model config declaring a 16384x16384 Dense with no stored weights is BAD_MODEL before allocating it', async () => {
  const small = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2] })] });
  const file = fakeSave({ model: small });
  editConfig(file, (c) => c.replace('"units":2', '"units":16384').replace('"batchInputShape":[null,2]', '"batchInputShape":[null,16384]'));
  const node = record(file);
  if (node.t !== 'object') throw new Error('unexpected');
  setField(node, 'weights', { t: 'array', id: 9999, items: [] });
  const rss = process.memoryUsage().rss;
  let thrown: unknown;
  const info = await tf.profile(() => {
    try {
      fakeLoad(file);
    } catch (err) {
      thrown = err;
    }
  });
  assert.ok(thrown instanceof CheckpointError && thrown.code === 'BAD_MODEL' && thrown.path === '.model', String(thrown));
  // The kernel alone would be 1 GiB.
  assert.ok(info.peakBytes - tf.memory().numBytes < 1024 * 1024, `tensor memory peaked at ${info.peakBytes} bytes`);
  assert.ok(process.memoryUsage().rss - rss < 256 * 1024 * 1024, 'resident memory grew by more than 256 MiB');
  small.dispose();
});

test('a stored weight of another dtype than its layer asks for is BAD_MODEL', () => {
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], useBias: false })] });
  const file = fakeSave({ model });
  const weights = field(record(file), 'weights');
  if (weights.t !== 'array') throw new Error('unexpected');
  const kernel = field(weights.items[0]!, 'value');
  setField(kernel, 'dtype', { t: 'prim', v: 'int32' }); // same bytes per element: the record and its section still agree
  const section = field(kernel, 'section') as { t: 'prim'; v: number };
  file.sections[section.v]!.dtype = 'int32';
  const before = tf.memory().numTensors;
  assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_MODEL' && err.path === '.model');
  assert.equal(tf.memory().numTensors, before);
  model.dispose();
});

test('a topology asking for two weights of a shape the file holds once is BAD_MODEL before the second is allocated', () => {
  // Two 1 MiB kernels of the same shape; the file keeps only the first.
  const model = tf.sequential({
    layers: [tf.layers.dense({ units: 512, inputShape: [512], useBias: false }), tf.layers.dense({ units: 512, useBias: false })],
  });
  const file = fakeSave({ model });
  dropLastWeight(file);
  let thrown: unknown;
  const peak = tensorPeakOf(() => {
    try {
      fakeLoad(file);
    } catch (err) {
      thrown = err;
    }
  });
  assert.ok(thrown instanceof CheckpointError && thrown.code === 'BAD_MODEL' && thrown.path === '.model', String(thrown));
  assert.ok(peak < 1.5 * 512 * 512 * 4, `tensor memory peaked ${peak} bytes above the start for one stored 1 MiB kernel`);
  model.dispose();
});

test('a stored weight whose shape is a prefix of the one asked for does not fit it: BAD_MODEL', () => {
  // Stored: only the bias [3]; the topology (useBias edited away) asks for the kernel [3, 3].
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [3] })] });
  const file = fakeSave({ model });
  editConfig(file, (c) => c.replace('"useBias":true', '"useBias":false'));
  const weights = field(record(file), 'weights');
  if (weights.t !== 'array') throw new Error('unexpected');
  weights.items.shift();
  assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_MODEL' && err.path === '.model');
  model.dispose();
});
