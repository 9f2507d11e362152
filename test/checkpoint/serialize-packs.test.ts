/**
 * serialize hands the tensor packer to the codecs and records the format version a file
 * needs: 2 once small tensors were packed, the base version otherwise (so that a
 * checkpoint of a few small tensors stays readable by readers of the base version).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { deserialize, serialize } from '../../src/checkpoint/index.js';
import { BASE_FORMAT_VERSION, FORMAT_VERSION, openContainer } from '../../src/format/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { UNPACKED_SMALL_TENSORS } from '../../src/tensor/tensor-packer.js';

describe('serialize and small tensors', () => {
  it(`up to ${UNPACKED_SMALL_TENSORS} small tensors keep sections of their own and the base format version; more are packed, in version ${FORMAT_VERSION}`, async () => {
    await initBackend();
    const few = Array.from({ length: UNPACKED_SMALL_TENSORS }, (_, i) => tf.tensor1d([i, i + 0.5]));
    const many = Array.from({ length: UNPACKED_SMALL_TENSORS + 4 }, (_, i) => tf.tensor1d([i, i + 0.5]));
    try {
      const fewFile = serialize(few);
      assert.equal(openContainer(fewFile).header.formatVersion, BASE_FORMAT_VERSION);
      assert.equal(openContainer(fewFile).header.sections.filter((s) => s.kind === 'tensor').length, UNPACKED_SMALL_TENSORS);

      const manyFile = serialize(many);
      const header = openContainer(manyFile).header;
      assert.equal(header.formatVersion, FORMAT_VERSION);
      assert.ok(header.sections.some((s) => s.kind === 'bytes' && !!s.device), 'a pack: a bytes section with a device tag');
      const back = deserialize(manyFile) as tf.Tensor[];
      try {
        assert.deepEqual(back.map((t) => Array.from(t.dataSync())), many.map((t) => Array.from(t.dataSync())));
      } finally {
        tf.dispose(back);
      }
    } finally {
      tf.dispose([...few, ...many]);
    }
  });
});
