import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CheckpointPlugin, load, MemoryCheckpointStorage, save, saveCheckpoint } from '../../src/checkpoint/index.js';
import { atomicWriteOps } from '../../src/format/atomic-write.js';
import { backend } from '../tensor/setup.js';
import { ToyStrategy } from './toy-strategy.js';

const tempFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-deferred-')), name);

/** Counts the backend's reads of tensor data (`read`, `readSync`) while installed. */
function countReads(): { count: () => number; undo: () => void } {
  const b = tf.backend() as unknown as { read: (...a: unknown[]) => unknown; readSync: (...a: unknown[]) => unknown };
  const { read, readSync } = b;
  let n = 0;
  b.read = function (this: unknown, ...a: unknown[]) {
    n++;
    return read.apply(this, a);
  };
  b.readSync = function (this: unknown, ...a: unknown[]) {
    n++;
    return readSync.apply(this, a);
  };
  return { count: () => n, undo: () => Object.assign(b, { read, readSync }) };
}

class FailingStorage extends MemoryCheckpointStorage {
  override async storeCheckpoint(): Promise<void> {
    throw new Error('the store is down');
  }
}

describe(`tensor bytes are read after save() returns (${backend} backend)`, () => {
  it('save() reads no tensor data before it returns; a Variable assigned right after still saves its old value', async () => {
    const v = tf.variable(tf.fill([256, 64], 1));
    const t = tf.fill([1000], 3, 'int32');
    const reads = countReads();
    let readsAtReturn: number;
    let saving: Promise<void>;
    try {
      saving = save({ v, t }, tempFile('a.reprise'));
      readsAtReturn = reads.count();
      v.assign(tf.fill([256, 64], 2)); // training goes on at once
      t.dispose();
    } finally {
      reads.undo();
    }
    assert.equal(readsAtReturn, 0, 'no tensor is read at the call');
    await saving;
  });

  it('the file holds the values at the call: Variable.assign and dispose after the call do not reach it', async () => {
    const file = tempFile('b.reprise');
    const v = tf.variable(tf.fill([256, 64], 1));
    const t = tf.fill([1000], 3, 'int32');
    const flags = tf.tensor([true, false, true], [3], 'bool');
    const saving = save({ v, t, flags }, file);
    v.assign(tf.fill([256, 64], 2));
    t.dispose();
    flags.dispose();
    await saving;
    const back = (await load(file)) as { v: tf.Variable; t: tf.Tensor; flags: tf.Tensor };
    assert.ok((back.v.dataSync() as Float32Array).every((x) => x === 1));
    assert.deepEqual(Array.from(back.t.dataSync()), new Array(1000).fill(3));
    assert.deepEqual(Array.from(back.flags.dataSync()), [1, 0, 1]);
  });

  it('the references a save holds are released after success, after a failing store and after a failing file write', async (t) => {
    const v = tf.variable(tf.fill([64, 64], 1));
    const shared = tf.ones([32]);
    const value = { v, a: shared, b: shared.reshape([4, 8]), again: shared };
    const baseline = tf.memory().numTensors;
    await save(value, tempFile('c.reprise'));
    assert.equal(tf.memory().numTensors, baseline, 'after a save to a file');
    await save(value, { storage: new MemoryCheckpointStorage(), name: 'c' });
    assert.equal(tf.memory().numTensors, baseline, 'after a save to memory');
    await assert.rejects(save(value, { storage: new FailingStorage(), name: 'c' }), /the store is down/);
    assert.equal(tf.memory().numTensors, baseline, 'after a failing store');
    t.mock.method(atomicWriteOps, 'writev', async () => {
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });
    await assert.rejects(save(value, tempFile('d.reprise')), { code: 'STORE_FAILED' });
    assert.equal(tf.memory().numTensors, baseline, 'after a failing file write');
    t.mock.restoreAll();
    class Unregistered {}
    await assert.rejects(save({ v, later: new Unregistered() }, tempFile('e.reprise')), { code: 'UNREGISTERED_CLASS', path: '.later' });
    assert.equal(tf.memory().numTensors, baseline, 'after an encoding error past a tensor');
    assert.ok(!v.isDisposed && !shared.isDisposed, "the caller's tensors live on");
  });

  it('saveCheckpoint and a plugin writing in the background release their references too', async () => {
    const strategy = new ToyStrategy([]);
    Object.assign(strategy, { weights: tf.variable(tf.fill([64, 64], 1)) });
    const baseline = tf.memory().numTensors;
    await saveCheckpoint(strategy, tempFile('s.reprise'));
    assert.equal(tf.memory().numTensors, baseline);
    const plugin = new CheckpointPlugin(new MemoryCheckpointStorage(), { writeInBackground: true });
    await plugin.saveCheckpoint(strategy);
    await plugin.flush();
    assert.equal(tf.memory().numTensors, baseline);
    const failing = new CheckpointPlugin(new FailingStorage(), { writeInBackground: true });
    await failing.saveCheckpoint(strategy);
    await assert.rejects(failing.flush(), { code: 'BACKGROUND_WRITE_FAILED' });
    assert.equal(tf.memory().numTensors, baseline);
  });
});
