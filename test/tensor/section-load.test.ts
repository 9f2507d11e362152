/** `load` reads sections straight into the memory their tensors keep: what it gives back, and what it leaves behind. */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { decodeFromSource, load, save } from '../../src/checkpoint/index.js';
import { CheckpointError } from '../../src/errors.js';
import { memoryByteSource, openContainer } from '../../src/format/index.js';
import { backend, sameTensor } from './setup.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-section-load-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));

function sample() {
  const big = tf.randomNormal([600, 700], 0, 1, 'float32', 3); // 1.6 MB: read straight into its memory
  const small = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  return {
    big,
    small,
    flat: small.reshape([6]), // shares small's data: one section, two shapes
    ints: tf.tensor1d([7, -8, 9], 'int32'),
    flags: tf.tensor1d([true, false, true], 'bool'),
    words: tf.tensor1d(['a', 'bé', '']),
    empty: tf.zeros([0, 4]),
    model: tf.sequential({ layers: [tf.layers.dense({ units: 4, inputShape: [3] })] }),
  };
}

type Sample = ReturnType<typeof sample>;

function disposeSample(s: Sample): void {
  s.model.dispose();
  tf.dispose([s.big, s.small, s.flat, s.ints, s.flags, s.words, s.empty]);
}

test(`load reads every kind of tensor back bit for bit (${backend} backend) and leaves no tensor of its own behind`, async () => {
  const value = sample();
  const file = path.join(dir, 'sample.reprise');
  await save(value, file);
  const before = tf.memory().numTensors;
  const back = (await load(file)) as Sample;
  for (const key of ['big', 'small', 'flat', 'ints', 'flags', 'words', 'empty'] as const) {
    assert.ok(sameTensor(back[key], value[key]), key);
  }
  assert.deepEqual(back.flat.shape, [6]);
  value.model.weights.forEach((w, i) => assert.ok(sameTensor(w.read(), back.model.weights[i]!.read())));
  // What is live now is exactly what the value holds: its seven tensors and the model's two weights.
  assert.equal(tf.memory().numTensors - before, 7 + 2);
  disposeSample(back);
  assert.equal(tf.memory().numTensors, before);
  disposeSample(value);
});

test('a tensor section whose checksum fails leaves nothing allocated on the backend', async () => {
  const value = sample();
  const file = path.join(dir, 'corrupt.reprise');
  await save(value, file);
  const bytes = fs.readFileSync(file);
  const { sections } = openContainer(bytes).header;
  // the last tensor section: every other section has been allocated and read by then
  const last = sections.length - 1;
  bytes[sections[last]!.offset + sections[last]!.length - 1]! ^= 0x01;
  const tensors = tf.memory().numTensors;
  const bytesHeld = tf.memory().numBytes;
  await assert.rejects(decodeFromSource(memoryByteSource(bytes)), (err: unknown) => err instanceof CheckpointError && err.code === 'SECTION_CHECKSUM');
  assert.equal(tf.memory().numTensors, tensors);
  assert.equal(tf.memory().numBytes, bytesHeld);
  disposeSample(value);
});

test('a file that fails to decode after its sections were read frees them too', async () => {
  const value = { t: tf.ones([100, 100]), u: tf.tensor1d([1, 2]) };
  const bytes = fs.readFileSync(await (async () => {
    const f = path.join(dir, 'unknown-option.reprise');
    await save(value, f, { deviceTag: 'cuda:7' });
    return f;
  })());
  const tensors = tf.memory().numTensors;
  await assert.rejects(decodeFromSource(memoryByteSource(bytes)), (err: unknown) => err instanceof CheckpointError && err.code === 'DEVICE_MAPPING');
  assert.equal(tf.memory().numTensors, tensors);
  tf.dispose(value);
});

test('a big float32 section read into the backend is shared by its tensor, never copied: one data buffer of its size', { skip: backend !== 'wasm' && 'only the wasm backend reads sections into its own memory' }, async () => {
  const big = tf.randomNormal([600, 700], 0, 1, 'float32', 5); // 1.68 MB, far above the 64 KiB for a section read into the backend
  const file = path.join(dir, 'big.reprise');
  await save({ big }, file);
  // The data buffers of the tensors of big's size made during the load (each buffer once, however many tensors share it).
  type Make = (...a: unknown[]) => tf.Tensor;
  const engine = tf.engine() as unknown as { makeTensor: Make; makeTensorFromTensorInfo: Make };
  const { makeTensor, makeTensorFromTensorInfo } = engine;
  const buffers = new Set<object>();
  const track = (make: Make) =>
    function (this: unknown, ...a: unknown[]) {
      const t = make.apply(this, a);
      if (t.size === big.size) buffers.add(t.dataId);
      return t;
    };
  engine.makeTensor = track(makeTensor);
  engine.makeTensorFromTensorInfo = track(makeTensorFromTensorInfo);
  let back: { big: tf.Tensor };
  try {
    back = (await load(file)) as { big: tf.Tensor };
  } finally {
    Object.assign(engine, { makeTensor, makeTensorFromTensorInfo });
  }
  assert.ok(sameTensor(back.big, big));
  assert.deepEqual([...buffers], [back.big.dataId], `${buffers.size} data buffers of the tensor's size were made`);
  tf.dispose([big, back.big]);
});
