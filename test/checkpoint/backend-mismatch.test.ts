import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { deserialize, serialize } from '../../src/checkpoint/index.js';
import { resetBackendWarnings } from '../../src/checkpoint/deserialize.js';
import { CheckpointError } from '../../src/errors.js';
import { initBackend } from '../../src/tensor/index.js';

/** Warnings emitted by `fn`; process warnings arrive on a later tick, so wait for them. */
async function warningsDuring(fn: () => void): Promise<Error[]> {
  const seen: Error[] = [];
  const listener = (w: Error) => seen.push(w);
  process.on('warning', listener);
  try {
    fn();
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('warning', listener);
  }
  return seen;
}

describe('loading on another tensor backend', () => {
  it('says that exactness is lost: a warning by default, an error or nothing when asked', async () => {
    await initBackend({ preferred: 'wasm', quiet: true });
    const withTensor = serialize({ t: tf.tensor([1, 2, 3]) });
    const withoutTensor = serialize({ n: 1 });
    await tf.setBackend('cpu');
    resetBackendWarnings();

    let out: { t: tf.Tensor } | undefined;
    const emitted = await warningsDuring(() => (out = deserialize(withTensor) as { t: tf.Tensor }));
    assert.deepEqual(Array.from(out!.t.dataSync()), [1, 2, 3], 'the values still load');
    assert.equal(emitted.length, 1);
    assert.equal((emitted[0] as Error & { code?: string }).code, 'REPRISE_BACKEND_MISMATCH');
    assert.match(emitted[0]!.message, /"wasm".*"cpu".*not be bit-identical/);
    assert.equal((await warningsDuring(() => deserialize(withTensor))).length, 0, 'once per pair of backends, not per load');
    assert.equal((await warningsDuring(() => deserialize(serialize({ t: tf.tensor([4]) })))).length, 0, 'saved and loaded on the same backend');

    assert.throws(() => deserialize(withTensor, { onBackendMismatch: 'error' }), (e: unknown) => e instanceof CheckpointError && e.code === 'BACKEND_MISMATCH');
    resetBackendWarnings();
    assert.equal((await warningsDuring(() => deserialize(withTensor, { onBackendMismatch: 'ignore' }))).length, 0);
    assert.equal((await warningsDuring(() => deserialize(withoutTensor))).length, 0, 'no tensors, nothing to warn about');
    assert.equal((await warningsDuring(() => deserialize(withTensor))).length, 1, 'and the default warns (once per pair of backends)');
  });
});
