/**
 * What only the plain JavaScript backend shows, run in this process (cpu-backend.test re-runs
 * whole files under REPRISE_BACKEND=cpu in a child process, which mutation testing cannot see):
 * complex64 tensors, and loaded tensors that keep a view of the file's bytes instead of a copy.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { load, save } from '../../src/checkpoint/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { fakeLoad, fakeSave } from './fake-context.js';
import { ROUND_TRIPS } from './round-trips.js';
import { sameTensor } from './setup.js';

describe('on the cpu backend, in this process', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cpu-in-process-'));
  before(async () => {
    assert.equal(await initBackend({ preferred: 'cpu', quiet: true }), 'cpu');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Interleaved real, imaginary pairs; the special values must survive bit for bit. */
  const complexFixtures: [string, () => tf.Tensor][] = [
    ['complex64 vector', () => tf.complex([1, -2, 3.5, 1e-45], [0.5, NaN, -0, Infinity])],
    ['complex64 matrix', () => tf.complex(tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]), tf.tensor2d([-1, -2, -3, -4, -5, -6], [2, 3]))],
    ['complex64 empty', () => tf.complex(tf.zeros([0, 2]), tf.zeros([0, 2]))],
    // 80 KiB: a section of its own rather than a place in a pack
    ['complex64 of 10,240 elements', () => tf.complex(tf.range(0, 10240), tf.range(0, -10240, -1))],
  ];

  for (const [via, roundTrip] of ROUND_TRIPS) {
    for (const [name, make] of complexFixtures) {
      it(`${name} round-trips bit for bit, real and imaginary parts in place (${via})`, () => {
        const z = make();
        const back = roundTrip({ z }).z;
        assert.equal(back.dtype, 'complex64');
        assert.deepEqual(back.shape, z.shape);
        assert.ok(sameTensor(tf.real(back), tf.real(z)), 'real parts');
        assert.ok(sameTensor(tf.imag(back), tf.imag(z)), 'imaginary parts');
        tf.dispose([z, back]);
      });
    }
  }

  it('save() and load() of complex64 tensors: the file holds the values at the call', async () => {
    const small = tf.complex([1, 2], [3, 4]);
    const big = tf.complex(tf.range(0, 10240), tf.ones([10240]));
    const expected = [small.clone(), big.clone()];
    const file = path.join(dir, 'complex.reprise');
    const saving = save({ small, big }, file);
    tf.dispose([small, big]);
    await saving;
    const back = (await load(file)) as { small: tf.Tensor; big: tf.Tensor };
    assert.ok(sameTensor(tf.real(back.small), tf.real(expected[0]!)) && sameTensor(tf.imag(back.small), tf.imag(expected[0]!)));
    assert.ok(sameTensor(tf.real(back.big), tf.real(expected[1]!)) && sameTensor(tf.imag(back.big), tf.imag(expected[1]!)));
    tf.dispose([...expected, back.small, back.big]);
  });

  it('float32 and int32 tensors keep a view of the file bytes (no copy); at an odd offset they get a copy with the same values', () => {
    const f = tf.tensor1d([1.5, -2.5, 3]);
    const i = tf.tensor1d([7, -8, 2147483647], 'int32');
    for (const base of [0, 4]) {
      const aligned = fakeSave({ f, i }, { base });
      const back = fakeLoad(aligned) as { f: tf.Tensor; i: tf.Tensor };
      for (const t of [back.f, back.i]) {
        const values = tf.engine().readSync(t.dataId) as Float32Array | Int32Array;
        assert.equal(values.buffer, aligned.bytes.buffer, `${t.dtype} at offset ${base} keeps a view of the file`);
      }
      tf.dispose([back.f, back.i]);
    }
    const odd = fakeSave({ f, i }, { base: 2 });
    const copied = fakeLoad(odd) as { f: tf.Tensor; i: tf.Tensor };
    for (const [t, original] of [[copied.f, f], [copied.i, i]] as const) {
      const values = tf.engine().readSync(t.dataId) as Float32Array | Int32Array;
      assert.notEqual(values.buffer, odd.bytes.buffer, `${t.dtype} at an odd offset is copied`);
      assert.ok(sameTensor(t, original));
    }
    tf.dispose([f, i, copied.f, copied.i]);
  });
});
