import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { Device } from '../../src/tensor/index.js';
import { codecNodes, fakeLoad, fakeSave, setField } from './fake-context.js';
import { ROUND_TRIPS } from './round-trips.js';
import { backend, sameTensor } from './setup.js';

const specialFloats = new Float32Array([0, -0, NaN, Infinity, -Infinity, 1e-45, 3.4028234663852886e38, -1.5]);
// a NaN with a payload: must survive bit for bit
new Uint32Array(specialFloats.buffer)[2] = 0x7fc01234;

/** name, a maker (tensors are made per test: they are disposed afterwards) */
const FIXTURES: [string, () => tf.Tensor][] = [
  ['float32 scalar', () => tf.scalar(3.25)],
  ['float32 vector of special values', () => tf.tensor1d(specialFloats)],
  ['float32 matrix', () => tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3])],
  ['float32 rank 5', () => tf.range(0, 120).reshape([2, 3, 1, 4, 5])],
  ['float32 empty', () => tf.tensor([], [0])],
  ['float32 empty inside', () => tf.zeros([2, 0, 3])],
  ['float32 large (1M elements)', () => tf.randomUniform([1024, 1024], -1, 1, 'float32', 7)],
  ['int32 extremes', () => tf.tensor1d([0, -1, 2147483647, -2147483648, 42], 'int32')],
  ['int32 scalar', () => tf.scalar(-7, 'int32')],
  ['int32 empty', () => tf.tensor([], [3, 0], 'int32')],
  ['bool', () => tf.tensor2d([true, false, false, true], [2, 2], 'bool')],
  ['bool scalar', () => tf.scalar(true, 'bool')],
  ['string vector (unicode, empty)', () => tf.tensor1d(['', 'a', 'héllo', '日本語', '🙂'], 'string')],
  ['string scalar', () => tf.scalar('just one')],
  ['string empty', () => tf.tensor([], [0], 'string')],
  ['string of raw bytes (not UTF-8)', () => tf.tensor([new Uint8Array([0xff, 0x00, 0xfe]), new Uint8Array([])], [2], 'string')],
];
if (backend === 'cpu') {
  FIXTURES.push(['complex64', () => tf.complex([1, -2, 3.5], [0.5, NaN, -0])]);
  FIXTURES.push(['complex64 empty', () => tf.complex(tf.zeros([0, 2]), tf.zeros([0, 2]))]);
}

for (const [via, roundTrip] of ROUND_TRIPS) {
  for (const [name, make] of FIXTURES) {
    test(`${name} round-trips bit for bit (${via}, ${backend})`, () => {
      const t = make();
      const back = roundTrip({ t }).t;
      assert.ok(back instanceof tf.Tensor);
      assert.notEqual(back, t);
      assert.ok(sameTensor(t, back), `${name}: ${t.dtype} [${t.shape}] vs ${back.dtype} [${back.shape}]`);
      tf.dispose([t, back]);
    });
  }

  test(`a tensor referenced twice loads as one tensor; a reshape of it keeps its shape (${via})`, () => {
    const t = tf.tensor2d([1, 2, 3, 4], [2, 2]);
    const r = t.reshape([4]);
    const back = roundTrip({ a: t, b: t, r });
    assert.equal(back.a, back.b);
    assert.deepEqual(back.r.shape, [4]);
    assert.ok(sameTensor(back.r, r));
    tf.dispose([t, r, back.a, back.r]);
  });

  test(`a disposed tensor is refused with DISPOSED_TENSOR at its path (${via})`, () => {
    const t = tf.scalar(1);
    t.dispose();
    assert.throws(
      () => roundTrip({ state: { last: t } }),
      (err: unknown) => err instanceof CheckpointError && err.code === 'DISPOSED_TENSOR' && err.path === '.state.last',
    );
  });

  test(`deviceTag records another tag; loading it needs mapLocation (${via})`, () => {
    const t = tf.tensor1d([1, 2, 3]);
    for (const deviceTag of ['cuda:0', new Device('cuda:0'), () => 'cuda:0']) {
      assert.throws(
        () => roundTrip({ w: t }, { deviceTag }),
        (err: unknown) => err instanceof CheckpointError && err.code === 'DEVICE_MAPPING' && err.path === '.w',
      );
      const back = roundTrip({ w: t }, { deviceTag }, { mapLocation: { 'cuda:0': 'cpu' } }).w;
      assert.ok(sameTensor(back, t));
      back.dispose();
    }
    t.dispose();
  });

  test(`a bad deviceTag is refused with BAD_DEVICE (${via})`, () => {
    const t = tf.scalar(1);
    for (const deviceTag of ['GPU 0', () => 12, 5]) {
      assert.throws(
        () => roundTrip({ w: t }, { deviceTag }),
        (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_DEVICE' && err.path === '.w',
      );
    }
    t.dispose();
  });

  test(`a mapLocation function sees each tensor's dtype, shape and tag (${via})`, () => {
    const a = tf.zeros([2, 3], 'int32');
    const seen: unknown[] = [];
    const back = roundTrip({ a }, { deviceTag: 'cuda:1' }, {
      mapLocation: (info: unknown, tag: string) => (seen.push([info, tag]), 'cpu'),
    });
    assert.deepEqual(seen, [[{ dtype: 'int32', shape: [2, 3] }, 'cuda:1']]);
    tf.dispose([a, back.a]);
  });

  test(`a mapLocation function sees cpu-tagged tensors too, and what it returns is checked (${via})`, () => {
    const small = tf.zeros([3]);
    const big = tf.zeros([20000]);
    const seen: unknown[] = [];
    const back = roundTrip({ small, big }, {}, { mapLocation: (info: unknown, tag: string) => (seen.push([info, tag]), 'cpu') });
    assert.deepEqual(seen, [
      [{ dtype: 'float32', shape: [3] }, 'cpu'],
      [{ dtype: 'float32', shape: [20000] }, 'cpu'],
    ]);
    assert.throws(
      () => roundTrip({ small }, {}, { mapLocation: () => 'cuda:7' }),
      (err: unknown) => err instanceof CheckpointError && err.code === 'DEVICE_MAPPING' && err.path === '.small',
    );
    tf.dispose([small, big, back.small, back.big]);
  });

  test(`Device objects are remapped by mapLocation like tensors (${via})`, () => {
    const state = { device: new Device('cuda:0'), also: new Device('cpu') };
    assert.throws(
      () => roundTrip(state),
      (err: unknown) => err instanceof CheckpointError && err.code === 'DEVICE_MAPPING' && err.path === '.device',
    );
    const back = roundTrip(state, {}, { mapLocation: 'cpu' });
    assert.ok(back.device instanceof Device);
    assert.equal(back.device.toString(), 'cpu');
    assert.equal(back.also.toString(), 'cpu');
    const seen: unknown[] = [];
    roundTrip(state, {}, { mapLocation: (info: unknown, tag: string) => (seen.push([info, tag]), 'cpu') });
    assert.deepEqual(seen, [[null, 'cuda:0'], [null, 'cpu']]);
  });
}

test('two tensor objects sharing data are stored in one section', () => {
  const t = tf.tensor1d([1, 2, 3, 4]);
  const r = t.reshape([2, 2]);
  const v = tf.variable(t, false);
  const other = tf.tensor1d([1, 2, 3, 4]);
  assert.equal(r.dataId, t.dataId);
  const file = fakeSave({ t, r, v, other });
  assert.equal(file.sections.length, 2);
  tf.dispose([t, r, v, other]);
});

test('a tensor whose backend gives another number of bytes than its size needs is refused with BAD_TENSOR at its path', () => {
  const t = tf.tensor1d([1, 2, 3]);
  const shortRead = new Float32Array([1, 2]);
  Object.defineProperty(t, 'dataSync', { value: () => shortRead });
  assert.throws(
    () => fakeSave({ deep: { t } }),
    (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_TENSOR' && err.path === '.deep.t',
  );
  t.dispose();
});

test('the recorded device tag is the backend one by default', () => {
  const t = tf.scalar(1);
  const file = fakeSave({ t });
  assert.equal(file.sections[0]!.device, 'cpu');
  assert.equal(file.sections[0]!.dtype, 'float32');
  t.dispose();
});

test(`float32 tensors view the file bytes without copying when the backend keeps them (${backend})`, { skip: backend !== 'cpu' && 'only the cpu backend keeps JS arrays' }, () => {
  const t = tf.tensor1d([1, 2, 3, 4, 5]);
  const file = fakeSave({ t });
  const back = fakeLoad(file) as { t: tf.Tensor };
  const values = tf.engine().readSync(back.t.dataId) as Float32Array;
  assert.equal(values.buffer, file.bytes.buffer);
  tf.dispose([t, back.t]);
});

test('sections at odd offsets are copied, not misread', () => {
  const f = tf.tensor1d([1.5, -2.5, 3]);
  const i = tf.tensor1d([7, -8], 'int32');
  for (const base of [1, 2, 3]) {
    const file = fakeSave({ f, i }, { base });
    const back = fakeLoad(file) as { f: tf.Tensor; i: tf.Tensor };
    assert.ok(sameTensor(back.f, f));
    assert.ok(sameTensor(back.i, i));
    tf.dispose([back.f, back.i]);
  }
  tf.dispose([f, i]);
});

test('complex64 loads under cpu and is refused with UNSUPPORTED_DTYPE where the backend has no complex numbers', () => {
  // Built by editing a float32 record: wasm cannot even create a complex64 tensor to save.
  const t = tf.tensor1d([1, 2, 3, 4]);
  const file = fakeSave({ z: t });
  setField(codecNodes(file, 'tf.Tensor')[0]!.value, 'dtype', { t: 'prim', v: 'complex64' });
  setField(codecNodes(file, 'tf.Tensor')[0]!.value, 'shape', { t: 'array', id: 999, items: [{ t: 'prim', v: 2 }] });
  file.sections[0]!.dtype = 'complex64';
  if (tf.getKernel('Complex', tf.getBackend())) {
    const z = (fakeLoad(file) as { z: tf.Tensor }).z;
    assert.equal(z.dtype, 'complex64');
    assert.deepEqual([...tf.real(z).dataSync()], [1, 3]);
    assert.deepEqual([...tf.imag(z).dataSync()], [2, 4]);
  } else {
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'UNSUPPORTED_DTYPE' && err.path === '.z');
  }
  t.dispose();
});

/** Broken records: each edit of a saved `{ x: float32 [4] }` and the code it must give. */
const BROKEN: [string, (file: ReturnType<typeof fakeSave>) => void, string][] = [
  ['unknown dtype', (f) => setField(record(f), 'dtype', { t: 'prim', v: 'float64' }), 'BAD_TENSOR'],
  ['dtype differs from the section', (f) => setField(record(f), 'dtype', { t: 'prim', v: 'int32' }), 'BAD_TENSOR'],
  ['shape needs more bytes', (f) => setField(record(f), 'shape', shape([5])), 'BAD_TENSOR'],
  ['shape needs fewer bytes', (f) => setField(record(f), 'shape', shape([3])), 'BAD_TENSOR'],
  ['negative size', (f) => setField(record(f), 'shape', shape([-4])), 'BAD_TENSOR'],
  ['fractional size', (f) => setField(record(f), 'shape', shape([2.5])), 'BAD_TENSOR'],
  ['huge shape', (f) => setField(record(f), 'shape', shape([2 ** 30, 2 ** 30, 2 ** 30])), 'BAD_TENSOR'],
  ['rank 33', (f) => setField(record(f), 'shape', shape(new Array(33).fill(1))), 'BAD_TENSOR'],
  ['shape not an array', (f) => setField(record(f), 'shape', { t: 'prim', v: 4 }), 'BAD_TENSOR'],
  ['section not an index', (f) => setField(record(f), 'section', { t: 'prim', v: -1 }), 'BAD_TENSOR'],
  ['section absent', (f) => setField(record(f), 'section', { t: 'prim', v: 9 }), 'BAD_SECTION'],
  ['section of raw bytes', (f) => (f.sections[0]!.kind = 'bytes'), 'BAD_TENSOR'],
  ['record not an object', (f) => (codecNodes(f, 'tf.Tensor')[0]!.value = { t: 'prim', v: 'x' }), 'BAD_TENSOR'],
  ['record null', (f) => (codecNodes(f, 'tf.Tensor')[0]!.value = { t: 'prim', v: null }), 'BAD_TENSOR'],
  ['device tag malformed', (f) => (f.sections[0]!.device = 'cuda 0'), 'BAD_DEVICE'],
];

function record(file: ReturnType<typeof fakeSave>) {
  return codecNodes(file, 'tf.Tensor')[0]!.value;
}
function shape(dims: number[]) {
  return { t: 'array' as const, id: 1000, items: dims.map((v) => ({ t: 'prim' as const, v })) };
}

for (const [name, breakIt, code] of BROKEN) {
  test(`a broken tensor record is refused: ${name} -> ${code}`, () => {
    const x = tf.tensor1d([1, 2, 3, 4]);
    const file = fakeSave({ x });
    breakIt(file);
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === code && err.path === '.x');
    x.dispose();
  });
}

test('shape limits as limits: rank 32 loads (rank 33 is refused above); sizes whose product passes 2^53 are refused even before a zero', () => {
  const x = tf.tensor1d([1, 2, 3, 4]);
  const file = fakeSave({ x });
  setField(record(file), 'shape', shape([4, ...new Array<number>(31).fill(1)]));
  const back = (fakeLoad(file) as { x: tf.Tensor }).x;
  assert.equal(back.rank, 32);
  assert.deepEqual([...back.dataSync()], [1, 2, 3, 4]);
  const empty = tf.zeros([0]);
  // 6361 × 69431 × 20394401 is 2^53 - 1, the largest safe integer: just within; one more in the last size is past it.
  for (const [dims, ok] of [
    [[6361, 69431, 20394401, 0], true],
    [[6361, 69431, 20394402, 0], false],
    [[2 ** 30, 2 ** 30, 2 ** 30, 0], false],
  ] as const) {
    const f = fakeSave({ x: empty });
    setField(record(f), 'shape', shape([...dims]));
    if (ok) {
      const loaded = (fakeLoad(f) as { x: tf.Tensor }).x;
      assert.equal(loaded.size, 0);
      assert.deepEqual(loaded.shape, dims);
      loaded.dispose();
    } else {
      assert.throws(() => fakeLoad(f), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_TENSOR' && err.path === '.x', String(dims));
    }
  }
  tf.dispose([x, back, empty]);
});

/** Broken string sections: [name, bytes, shape]. */
const BROKEN_STRINGS: [string, number[], number[]][] = [
  ['shorter than its count', [1, 0], [1]],
  ['count differs from the shape', [2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], [1]],
  ['lengths past the end', [1, 0, 0, 0, 9, 0, 0, 0, 97], [1]],
  ['lengths short of the end', [1, 0, 0, 0, 1, 0, 0, 0, 97, 98], [1]],
  ['count larger than the bytes', [255, 255, 255, 255], [4294967295]],
];

for (const [name, bytes, dims] of BROKEN_STRINGS) {
  test(`a broken string section is refused: ${name}`, () => {
    const s = tf.tensor1d(['a']);
    const file = fakeSave({ s });
    const data = Uint8Array.from(bytes);
    const grown = new Uint8Array(file.bytes.byteLength + data.byteLength + 64);
    grown.set(file.bytes);
    grown.set(data, 64);
    Object.assign(file, { bytes: grown });
    Object.assign(file.sections[0]!, { offset: 64, length: data.byteLength });
    setField(record(file), 'shape', shape(dims));
    assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_TENSOR' && err.path === '.s');
    s.dispose();
  });
}

test('a bool tensor whose bytes are not all 0 or 1 is refused with BAD_TENSOR at its path; 0 and 1 load', () => {
  const flags = tf.tensor1d([true, false, true], 'bool');
  for (const [byte, ok] of [[1, true], [2, false], [255, false]] as const) {
    const file = fakeSave({ deep: { flags } });
    file.bytes[file.sections[0]!.offset + 1] = byte;
    if (ok) {
      const back = (fakeLoad(file) as { deep: { flags: tf.Tensor } }).deep.flags;
      assert.deepEqual(Array.from(back.dataSync()), [1, 1, 1]);
      back.dispose();
    } else {
      assert.throws(() => fakeLoad(file), (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_TENSOR' && err.path === '.deep.flags');
    }
  }
  flags.dispose();
});
