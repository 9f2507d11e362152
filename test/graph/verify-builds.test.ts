import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { inspectBytes } from '../../src/cli/inspect.js';
import { concatChunks, openContainer, packContainer } from '../../src/format/index.js';
import { Registry } from '../../src/registry/index.js';
import * as registryDevice from '../../src/tensor/index.js';
import { registerTensorCodecs } from '../../src/tensor/index.js';
import '../tensor/setup.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';
import { outcome, varint, type Outcome } from './stream-helpers.js';

/**
 * What only building finds — tfjs refusing a stored topology, a compile state or an
 * optimizer config — verify finds too, by building the value as load does and
 * discarding it: the same code and path, with nothing left behind.
 */
const registry = new Registry();
registerTensorCodecs(registry);
const myLoss = (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.losses.meanSquaredError(yTrue, yPred);
registry.registerFunction('test.myLoss', myLoss);

const load = (file: Uint8Array, options?: Record<string, unknown>): Outcome =>
  outcome(() => {
    const { value } = fromBytes(file, { registry, options });
    disposeAll(value);
  });
const verify = (file: Uint8Array, opts: Parameters<typeof inspectBytes>[1] = {}): Outcome => outcome(() => inspectBytes(file, opts));

/** Disposes the models, optimizers and tensors of a loaded `{ … }` value. */
function disposeAll(value: unknown): void {
  for (const v of Object.values(value as Record<string, unknown>)) {
    if (v instanceof tf.LayersModel) v.dispose();
    else if (v instanceof tf.Optimizer) v.dispose();
    else if (v instanceof tf.Tensor) v.dispose();
  }
}

/** Load and verify (with the registry, and as the command line runs it, without) give `code` at `path`. */
function agree(file: Uint8Array, code: string, path = '.m'): void {
  const loaded = load(file);
  assert.deepEqual(loaded, code === 'OK' ? { ok: true } : { ok: false, code, path, offset: undefined }, `load: ${JSON.stringify(loaded)}`);
  const before = [tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length];
  assert.deepEqual(verify(file, { registry }), loaded, 'verify with the registry');
  assert.deepEqual(verify(file), loaded, 'verify as the command line runs it');
  assert.deepEqual([tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length], before, 'verify leaves no tensor or variable behind');
}

const dense = (name = 'd') => tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name })] });

/** `file` with `from` replaced by `to` (the same length) in its graph stream, checksums re-sealed as a hostile writer would. */
function edit(file: Uint8Array, from: string, to: string): Uint8Array {
  assert.equal(from.length, to.length);
  const c = openContainer(file);
  const text = Buffer.from(c.graph).toString('latin1');
  assert.ok(text.includes(from), `the stream holds ${from}`);
  const graph = Buffer.from(text.replace(from, to), 'latin1');
  const sections = c.header.sections.slice(1).map((s, i) => ({ kind: s.kind as 'bytes' | 'tensor', data: c.section(i + 1), dtype: s.dtype, shape: s.shape, device: s.device }));
  return concatChunks(packContainer({ graph, sections, writer: 'test', backend: '' }));
}

describe('verify builds what load builds: the same code and path', () => {
  it('a valid model, compiled with a registered loss and an optimizer held elsewhere too', () => {
    const m = dense();
    const o = tf.train.adam(0.01);
    m.compile({ optimizer: o, loss: myLoss, metrics: ['mse'] });
    agree(toBytes({ o, m }, registry), 'OK');
    m.dispose();
    o.dispose();
  });

  it('a topology tfjs refuses: an unknown activation', () => {
    agree(edit(toBytes({ m: dense() }, registry), '"activation":"linear"', '"activation":"nopear"'), 'MODEL_REBUILD');
  });

  it('a topology that asks for weights the file does not hold: units 2 → 3', () => {
    agree(edit(toBytes({ m: dense() }, registry), '"units":2', '"units":3'), 'BAD_MODEL');
  });

  it('a layer chain tfjs refuses: two layers of one name', () => {
    const two = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'a' }), tf.layers.dense({ units: 2, name: 'b' })] });
    agree(edit(toBytes({ m: two }, registry), '"name":"b"', '"name":"a"'), 'MODEL_REBUILD');
    two.dispose();
  });

  it('a compile state tfjs refuses: an unknown loss name', () => {
    const m = dense();
    m.compile({ optimizer: tf.train.sgd(0.1), loss: 'meanSquaredError' });
    agree(edit(toBytes({ m }, registry), 'meanSquaredError', 'meanSquaredErrxr'), 'MODEL_REBUILD');
    m.dispose();
  });

  it('an optimizer whose stored config tfjs rebuilds wrongly: a string momentum', () => {
    const o = tf.train.momentum(0.1, 0.9);
    agree(edit(toBytes({ m: o }, registry), '"momentum":0.9', '"momentum":"9"'), 'BAD_OPTIMIZER');
    o.dispose();
  });

  it('an optimizer config tfjs refuses: momentum missing', () => {
    const o = tf.train.momentum(0.1, 0.9);
    agree(edit(toBytes({ m: o }, registry), '"momentum":0.9', '"momentun":0.9'), 'OPTIMIZER_REBUILD');
    o.dispose();
  });
});

/** `file` with the stored string `from` (a STRING value) replaced by `to`, of any length, checksums re-sealed. */
function editString(file: Uint8Array, from: string, to: string): Uint8Array {
  const c = openContainer(file);
  const encoded = (s: string) => Buffer.concat([Buffer.from([0x06, ...varint(Buffer.byteLength(s))]), Buffer.from(s)]);
  const graph = Buffer.from(c.graph);
  const at = graph.indexOf(encoded(from));
  assert.ok(at >= 0, 'the stream holds the string');
  const edited = Buffer.concat([graph.subarray(0, at), encoded(to), graph.subarray(at + encoded(from).length)]);
  const sections = c.header.sections.slice(1).map((s, i) => ({ kind: s.kind as 'bytes' | 'tensor', data: c.section(i + 1), dtype: s.dtype, shape: s.shape, device: s.device }));
  return concatChunks(packContainer({ graph: edited, sections, writer: 'test', backend: '' }));
}

describe('verify costs what load costs: bounded by the file', () => {
  it('a config declaring a 16384×16384 Dense over a 2×2 one: refused before the 1 GiB kernel is allocated', async () => {
    const small = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [2], name: 'big' })] });
    const config = JSON.stringify(small.getConfig());
    const file = editString(toBytes({ m: small }, registry), config, config.replace('"units":2', '"units":16384').replace('"batchInputShape":[null,2]', '"batchInputShape":[null,16384]'));
    small.dispose();
    const rss = process.memoryUsage().rss;
    let verified: Outcome | undefined;
    const info = await tf.profile(() => void (verified = verify(file)));
    assert.deepEqual(verified, { ok: false, code: 'BAD_MODEL', path: '.m', offset: undefined });
    assert.ok(info.peakBytes - tf.memory().numBytes < 1024 * 1024, `tensor memory peaked at ${info.peakBytes} bytes`);
    assert.ok(process.memoryUsage().rss - rss < 256 * 1024 * 1024, 'resident memory grew by more than 256 MiB');
    assert.deepEqual(load(file), verified);
  });
});

describe('verify leaves nothing behind', () => {
  /** A model (layer `prob1`, compiled), its optimizer with slots, a Variable, a tensor; the layer renamed `prob2` in the stream. */
  function sampleFile(): Uint8Array {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'prob1' })] });
    const o = tf.train.momentum(0.1, 0.9);
    m.compile({ optimizer: o, loss: 'meanSquaredError' });
    const x = tf.ones([1, 3]);
    o.minimize(() => tf.sum(m.predict(x) as tf.Tensor) as tf.Scalar, false, m.trainableWeights.map((w) => w.read() as tf.Variable));
    const v = tf.variable(tf.ones([2]));
    const t = tf.tensor([1, 2, 3]);
    const file = edit(toBytes({ m, o, v, t }, registry), '"name":"prob1"', '"name":"prob2"');
    tf.dispose([m as never, x, v, t]);
    o.dispose();
    return file;
  }

  it('no tensor or variable, and the names of what is created afterwards are those it would have had', () => {
    const file = sampleFile();
    assert.deepEqual(verify(file, { registry }), { ok: true });
    const variables = () => Object.keys(tf.engine().registeredVariables).length;
    /** The number tfjs gives the next unnamed variable. */
    const nextUnnamed = () => tf.tidy(() => {
      const v = tf.variable(tf.zeros([1]));
      v.dispose();
      return Number(v.name);
    });
    const nextLayer = () => Number(tf.layers.dense({ units: 1 }).name.match(/\d+$/)![0]);
    const [tensors, vars, unnamed, layer] = [tf.memory().numTensors, variables(), nextUnnamed(), nextLayer()];
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(verify(file, { registry }), { ok: true });
      assert.deepEqual(verify(file), { ok: true });
    }
    assert.equal(tf.memory().numTensors, tensors, 'no tensor left');
    assert.equal(variables(), vars, 'no variable left');
    assert.equal(nextUnnamed(), unnamed + 1, 'unnamed variables are numbered on as if verify had not run');
    assert.equal(nextLayer(), layer + 1, 'layers are numbered on as if verify had not run');
    // The verified model's layer is `prob2`, which nothing built in this process: its weights keep their plain names.
    const after = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'prob2' })] });
    assert.deepEqual(after.weights.map((w) => w.name), ['prob2/kernel', 'prob2/bias']);
    after.dispose();
  });
});

describe('device tags: verify refuses what load refuses, and takes mapLocation as load does', () => {
  const values: Record<string, () => unknown> = {
    tensor: () => tf.tensor([1, 2]),
    variable: () => tf.variable(tf.ones([2])),
    model: () => dense('dev'),
    optimizer: () => {
      const o = tf.train.adam(0.1);
      const w = tf.variable(tf.ones([2]));
      o.minimize(() => tf.sum(tf.mul(w, w)) as tf.Scalar, false, [w]);
      return o;
    },
  };
  for (const [kind, make] of Object.entries(values)) {
    it(`a ${kind} saved on cuda:0`, () => {
      const file = toBytes({ m: make() }, registry, { deviceTag: 'cuda:0' });
      const loaded = load(file);
      assert.equal(loaded.code, 'DEVICE_MAPPING');
      assert.equal(loaded.path, '.m');
      assert.deepEqual(verify(file, { registry }), loaded);
      assert.deepEqual(verify(file), loaded);
      assert.deepEqual(load(file, { mapLocation: 'cpu' }), { ok: true });
      assert.deepEqual(verify(file, { mapLocation: 'cpu' }), { ok: true });
      assert.deepEqual(verify(file, { registry, mapLocation: { 'cuda:0': 'cpu' } }), { ok: true });
    });
  }
  it('an optimizer whose second slot is on cuda:0: the first slot variable made is disposed', () => {
    const o = tf.train.momentum(0.1, 0.9);
    const a = tf.variable(tf.ones([2]));
    const b = tf.variable(tf.ones([3]));
    o.minimize(() => tf.add(tf.sum(tf.mul(a, a)), tf.sum(tf.mul(b, b))) as tf.Scalar, false, [a, b]);
    const file = toBytes({ m: o }, registry, { deviceTag: (t: tf.Tensor) => (t.size === 3 ? 'cuda:0' : 'cpu') });
    tf.dispose([a, b]);
    o.dispose();
    const before = [tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length];
    const verified = verify(file);
    assert.deepEqual(verified, { ok: false, code: 'DEVICE_MAPPING', path: '.m', offset: undefined });
    assert.deepEqual([tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length], before, 'verify leaves no tensor or variable behind');
    assert.deepEqual(load(file), verified);
    assert.deepEqual([tf.memory().numTensors, Object.keys(tf.engine().registeredVariables).length], before, 'load leaves no tensor or variable behind');
  });

  it('a Device object', () => {
    const { Device } = registryDevice;
    const file = toBytes({ m: Device.parse('cuda:1') }, registry);
    const loaded = load(file);
    assert.equal(loaded.code, 'DEVICE_MAPPING');
    assert.deepEqual(verify(file), loaded);
    assert.deepEqual(verify(file, { mapLocation: 'cpu' }), { ok: true });
  });
});
