import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deserialize, load, save, serialize } from '../../src/checkpoint/index.js';
import { CheckpointFormatError } from '../../src/errors.js';
import { openContainer } from '../../src/format/index.js';
import { decodeTensorRecord } from '../../src/tensor/index.js';
import { PACK_LIMIT, PACKED_TENSOR_LIMIT, UNPACKED_SMALL_TENSORS } from '../../src/tensor/tensor-packer.js';
import type { TensorDecodeContext } from '../../src/tensor/options.js';
import { readTensors } from '../format/spec-reader.js';
import { backend, sameTensor } from './setup.js';

const versionOf = (file: Uint8Array) => new DataView(file.buffer, file.byteOffset).getUint32(8, true);

describe(`small tensors share packs (${backend} backend)`, () => {
  it('2,000 tensors of 1,000 floats cost their bytes within 1% + 16 KiB, load back exactly, and an independent reader reads them', () => {
    const tensors = Array.from({ length: 2000 }, (_, i) => tf.fill([1000], i + 0.5));
    const file = serialize({ tensors });
    const tensorBytes = 2000 * 1000 * 4;
    assert.ok(file.byteLength <= tensorBytes * 1.01 + 16 * 1024, `file ${file.byteLength} bytes for ${tensorBytes} tensor bytes`);
    assert.equal(versionOf(file), 2);
    const { header } = openContainer(file);
    const packs = header.sections.filter((s) => s.kind === 'bytes');
    assert.ok(packs.length > 0 && packs.every((p) => p.length <= PACK_LIMIT && p.device === 'cpu'), 'packs of at most 1 MiB, tagged with their device');
    const back = deserialize(file) as { tensors: tf.Tensor[] };
    back.tensors.forEach((t, i) => assert.ok(sameTensor(t, tensors[i]!), `tensor ${i}`));
    const read = readTensors(file);
    assert.equal(read.length, 2000);
    assert.deepEqual(read[1999]!.tensor.values.slice(0, 2), [1999.5, 1999.5]);
    tf.dispose([...tensors, ...back.tensors]);
  });

  it(`a save with at most ${UNPACKED_SMALL_TENSORS} small tensors has no packs and stays format version 1`, () => {
    const tensors = Array.from({ length: UNPACKED_SMALL_TENSORS }, (_, i) => tf.fill([10], i));
    const file = serialize({ tensors, big: tf.zeros([PACKED_TENSOR_LIMIT / 4]) });
    assert.equal(versionOf(file), 1);
    assert.ok(openContainer(file).header.sections.every((s) => s.kind !== 'bytes'));
    const one = serialize({ tensors: [...tensors, tf.scalar(1)] });
    assert.equal(versionOf(one), 2, 'the next small tensor is packed');
    tf.dispose(tensors);
  });

  it('a tensor of 64 KiB has its own section; one element less is packed; packs of every dtype but string, per device', () => {
    const filler = Array.from({ length: UNPACKED_SMALL_TENSORS }, () => tf.scalar(0));
    const atLimit = tf.zeros([PACKED_TENSOR_LIMIT / 4]);
    const below = tf.ones([PACKED_TENSOR_LIMIT / 4 - 1]);
    const mixed = {
      i: tf.tensor1d([1, -2, 3], 'int32'),
      b: tf.tensor1d([true, false, true], 'bool'),
      s: tf.tensor1d(['a', 'bc'], 'string'),
      shared: tf.tensor1d([5, 6, 7, 8]),
    };
    const value = { filler, atLimit, below, ...mixed, reshaped: mixed.shared.reshape([2, 2]), again: mixed.shared };
    const onDevice = (t: tf.Tensor) => (t === mixed.i ? 'cuda:0' : 'cpu');
    const file = serialize(value, { deviceTag: onDevice });
    const { header } = openContainer(file);
    const tensorSections = header.sections.filter((s) => s.kind === 'tensor');
    assert.ok(tensorSections.some((s) => s.length === PACKED_TENSOR_LIMIT), 'the 64 KiB tensor has its own section');
    assert.ok(!tensorSections.some((s) => s.length === PACKED_TENSOR_LIMIT - 4), 'the one below is packed');
    assert.ok(tensorSections.some((s) => s.dtype === 'string'), 'strings keep their own sections');
    assert.deepEqual(header.sections.filter((s) => s.kind === 'bytes').map((s) => s.device).sort(), ['cpu', 'cuda:0']);
    const back = deserialize(file, { mapLocation: 'cpu' }) as typeof value;
    for (const k of ['atLimit', 'below', 'i', 'b', 's', 'shared', 'reshaped', 'again'] as const) assert.ok(sameTensor(back[k], value[k]), k);
    tf.dispose([...filler, atLimit, below, ...Object.values(mixed)]);
  });

  it('save (captured at the call) fills packs from the backend memory of each tensor, bit for bit, even after the tensors are disposed', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-packs-'));
    try {
      const tensors = Array.from({ length: 300 }, (_, i) => (i % 3 === 2 ? tf.tensor1d([i, -i, i * 7], 'int32') : tf.randomUniform([1 + (i % 37)], -1, 1, 'float32', i)));
      const expected = tensors.map((t) => t.clone());
      const file = path.join(dir, 'packs.reprise');
      const saving = save({ tensors }, file);
      tf.dispose(tensors); // captured at the call: the bytes written are those at the call
      await saving;
      const back = (await load(file)) as { tensors: tf.Tensor[] };
      back.tensors.forEach((t, i) => assert.ok(sameTensor(t, expected[i]!), `tensor ${i}`));
      tf.dispose([...expected, ...back.tensors]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a pack of tensors of 1,000 floats is cut before it passes 1 MiB', () => {
    const tensors = Array.from({ length: UNPACKED_SMALL_TENSORS + 300 }, (_, i) => tf.fill([1000], i));
    const { header } = openContainer(serialize(tensors));
    const packs = header.sections.filter((s) => s.kind === 'bytes');
    assert.equal(packs.length, 2);
    assert.ok(packs[0]!.length <= PACK_LIMIT && packs[0]!.length > PACK_LIMIT - 4008, `first pack ${packs[0]!.length} bytes`);
    tf.dispose(tensors);
  });
});

describe('corrupt packs are refused with BAD_PACK and the graph path', () => {
  const pack = { kind: 'bytes' as const, data: new Uint8Array(32), dtype: '', shape: [], device: 'cpu' };
  const tensorSection = { kind: 'tensor' as const, data: new Uint8Array(8), dtype: 'float32', shape: [2], device: 'cpu' };
  const contextOver = (): TensorDecodeContext => {
    const sections = [undefined, pack, tensorSection];
    return { options: {}, path: () => '.weights[3]', section: (i: number) => sections[i]! } as unknown as TensorDecodeContext;
  };
  const record = (offset: unknown, section = 1, shape = [2], dtype = 'float32') => ({ section, dtype, shape, offset });
  const codeOf = (fn: () => unknown): { code: string; path?: string } | 'ok' => {
    try {
      tf.dispose(fn() as tf.Tensor);
      return 'ok';
    } catch (err) {
      assert.ok(err instanceof CheckpointFormatError, String(err));
      return { code: err.code, path: err.path };
    }
  };
  const bad = { code: 'BAD_PACK', path: '.weights[3]' };

  it('a range just inside the pack loads; one byte past its end does not', () => {
    assert.equal(codeOf(() => decodeTensorRecord(record(24), contextOver())), 'ok');
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(25), contextOver())), bad);
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(0, 1, [9]), contextOver())), bad);
    assert.equal(codeOf(() => decodeTensorRecord(record(0, 1, [8]), contextOver())), 'ok');
  });

  it('overlapping ranges are refused; adjacent ones and the very same range (shared data) are not', () => {
    const ctx = contextOver();
    assert.equal(codeOf(() => decodeTensorRecord(record(8), ctx)), 'ok');
    assert.equal(codeOf(() => decodeTensorRecord(record(16), ctx)), 'ok', 'adjacent after');
    assert.equal(codeOf(() => decodeTensorRecord(record(0), ctx)), 'ok', 'adjacent before');
    assert.equal(codeOf(() => decodeTensorRecord(record(8, 1, [1, 2]), ctx)), 'ok', 'the same bytes under another shape');
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(12), ctx)), bad);
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(4, 1, [1]), ctx)), bad);
    assert.equal(codeOf(() => decodeTensorRecord(record(12), contextOver())), 'ok', 'claims belong to one load');
    const atStart = contextOver();
    assert.equal(codeOf(() => decodeTensorRecord(record(0), atStart)), 'ok');
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(0, 1, [1]), atStart)), bad, 'the first byte of the pack taken, under another length');
  });

  it('an empty packed tensor claims no bytes: it may sit inside another range, which stays shareable', () => {
    const ctx = contextOver();
    assert.equal(codeOf(() => decodeTensorRecord(record(8), ctx)), 'ok');
    assert.equal(codeOf(() => decodeTensorRecord(record(8, 1, [0]), ctx)), 'ok', 'empty, where that range starts');
    assert.equal(codeOf(() => decodeTensorRecord(record(12, 1, [0]), ctx)), 'ok', 'empty, inside it');
    assert.equal(codeOf(() => decodeTensorRecord(record(32, 1, [0]), ctx)), 'ok', 'empty, at the end of the pack');
    assert.equal(codeOf(() => decodeTensorRecord(record(8), ctx)), 'ok', 'the same range again (shared data)');
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(33, 1, [0]), ctx)), bad, 'empty, past the end of the pack');
  });

  it('overlaps are found wherever they fall, in any order: the same verdicts as a byte-by-byte model', () => {
    // bool tensors (one byte per element) at any offset and length in a 203-byte pack, in
    // random order, across bitmap-byte boundaries; the model marks every byte claimed.
    const size = 203;
    const boolPack = { kind: 'bytes' as const, data: new Uint8Array(size), dtype: '', shape: [], device: 'cpu' };
    let seed = 12345;
    const next = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    let refused = 0;
    for (let trial = 0; trial < 40; trial++) {
      const ctx = { options: {}, path: () => '.weights[3]', section: () => boolPack } as unknown as TensorDecodeContext;
      const claimed = new Uint8Array(size);
      const ranges = new Set<string>();
      for (let k = 0; k < 30; k++) {
        // mostly ascending ranges (as files are written), some anywhere
        const offset = k % 3 === 2 ? next(size) : Math.min(size - 1, ranges.size * 7 + next(9));
        const length = 1 + next(Math.min(40, size - offset));
        const same = ranges.has(`${offset}:${length}`);
        const overlaps = !same && claimed.subarray(offset, offset + length).some((b) => b === 1);
        const got = codeOf(() => decodeTensorRecord(record(offset, 1, [length], 'bool'), ctx));
        assert.deepEqual(got, overlaps ? bad : 'ok', `trial ${trial}, claim ${k}: [${offset}, ${offset + length})`);
        if (overlaps) refused++;
        else {
          claimed.fill(1, offset, offset + length);
          ranges.add(`${offset}:${length}`);
        }
      }
    }
    assert.ok(refused > 100, `the table exercises refusals too (${refused})`);
  });

  it('bad offsets, a record pointing at a tensor section, and a packed string are refused', () => {
    for (const offset of [-8, 1.5, '8', null]) assert.deepEqual(codeOf(() => decodeTensorRecord(record(offset), contextOver())), bad, String(offset));
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(0, 2), contextOver())), bad);
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(0, 1, [1], 'string'), contextOver())), bad);
    assert.deepEqual(codeOf(() => decodeTensorRecord(record(0, 1, [2], 'float64'), contextOver())), { code: 'BAD_TENSOR', path: '.weights[3]' }, 'a dtype reprise does not know');
  });
});
