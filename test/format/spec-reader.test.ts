import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { serialize } from '../../src/index.js';
import { backend } from '../tensor/setup.js';
import { readSections, readTensors, type SpecTensor } from './spec-reader.js';

/** The values of a live tensor as the spec reader gives them (bool as 0/1, float32 rounded through Float32Array). */
function valuesOf(t: tf.Tensor): number[] | string[] {
  if (t.dtype === 'string') return t.dataSync() as unknown as string[];
  return Array.from(t.dataSync() as ArrayLike<number>);
}

function assertSame(read: SpecTensor, live: tf.Tensor, what: string): void {
  assert.equal(read.dtype, live.dtype, what);
  assert.deepEqual(read.shape, live.shape, what);
  if (read.dtype === 'float32') {
    assert.ok(Buffer.from(new Float32Array(read.values as number[]).buffer).equals(Buffer.from(new Float32Array(valuesOf(live) as number[]).buffer)), `${what}: bit-exact`);
  } else {
    assert.deepEqual(read.values, valuesOf(live), what);
  }
}

describe(`an independent reader written from docs/FORMAT.md reads every tensor (${backend} backend)`, () => {
  it('tensors of every dtype, scalars and empty tensors (zero-length sections share an offset)', () => {
    const live = {
      f: tf.tensor2d([1.5, -0, NaN, 3.4e38, 1e-45, -2], [2, 3]),
      i: tf.tensor1d([0, -1, 2147483647, -2147483648], 'int32'),
      b: tf.tensor2d([true, false, false, true], [2, 2], 'bool'),
      s: tf.tensor1d(['', 'héllo', '日本語'], 'string'),
      scalar: tf.scalar(7),
      empty: tf.tensor([], [0]),
      empty2: tf.zeros([2, 0, 3], 'int32'),
    };
    const file = serialize(live);
    const { sections } = readSections(file);
    const zero = sections.filter((s) => s.length === 0);
    assert.equal(zero.length, 2);
    const read = readTensors(file);
    assert.deepEqual(read.map((r) => r.codec), Object.keys(live).map(() => 'tf.Tensor'));
    Object.values(live).forEach((t, k) => assertSame(read[k]!.tensor, t, Object.keys(live)[k]!));
    tf.dispose(Object.values(live));
  });

  it('tensors sharing data (reshape; clone where the backend shares) share one section, each record with its own shape', () => {
    const a = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    const live = [a, a.reshape([3, 2]), a.reshape([6]), a.clone()];
    const read = readTensors(serialize(live));
    assert.equal(new Set(read.slice(0, 3).map((r) => r.tensor.section)).size, 1, 'reshapes share one section');
    live.forEach((t, k) => assertSame(read[k]!.tensor, t, `tensor ${k}`));
    tf.dispose(live);
  });

  it('a Variable, a compiled and trained model and its optimizer slots', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]), true, 'spec-reader-v');
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 3, inputShape: [2] }), tf.layers.dense({ units: 1 })] });
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    await model.fit(tf.ones([4, 2]), tf.ones([4, 1]), { epochs: 1, verbose: 0 });
    const read = readTensors(serialize({ v, model }));
    assert.equal(read[0]!.codec, 'tf.Variable');
    assertSame(read[0]!.tensor, v, 'variable');
    const weights = model.getWeights();
    const modelTensors = read.filter((r) => r.codec === 'tf.Sequential');
    assert.equal(modelTensors.length, weights.length);
    weights.forEach((w, k) => assertSame(modelTensors[k]!.tensor, w, `weight ${k}`));
    const slots = read.filter((r) => r.codec === 'tf.AdamOptimizer');
    assert.equal(slots.length, 2 * weights.length + 2, 'm and v for each weight, and the two beta powers');
    assert.ok(slots.every((s) => s.tensor.dtype === 'float32'));
    v.dispose();
    model.dispose();
  });

  it('imports nothing of reprise but the generated FlatBuffers code and CRC-32C', () => {
    const source = fs.readFileSync(new URL('./spec-reader.js', import.meta.url), 'utf8');
    const imports = [...source.matchAll(/^import .* from '([^']+)';$/gm)].map((m) => m[1]);
    assert.deepEqual(imports.sort(), ['../../src/format/checksum.js', '../../src/generated/checkpoint_generated.js', 'flatbuffers']);
  });
});
