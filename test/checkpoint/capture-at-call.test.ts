import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CheckpointPlugin, load, save, saveCheckpoint } from '../../src/checkpoint/index.js';
import { GatedStorage } from './gated-storage.js';
import { serializable } from '../../src/registry/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

@serializable({ name: 'test.TrainingState' })
class TrainingState {
  clock = { trainExpCounter: 1 };
  buffer = new Float32Array(4096).fill(1); // 16 KiB: its own section, viewed in place while encoding
  raw = new ArrayBuffer(8192);
  variable = tf.variable(tf.fill([64, 64], 1));
  plugins: object[] = [];
}

function trainOn(state: TrainingState): void {
  state.buffer.fill(2);
  new Uint8Array(state.raw).fill(2);
  state.variable.assign(tf.fill([64, 64], 2));
}

describe('saves capture at the call', () => {
  it('save(): the file holds the values at the call, though the caller changes them before the write', async () => {
    const storage = new GatedStorage();
    const state = new TrainingState();
    new Uint8Array(state.raw).fill(1);
    storage.close();
    const saving = save(state, { storage, name: 's' });
    trainOn(state); // training goes on at once
    storage.release();
    await saving;
    const back = (await load({ storage, name: 's' })) as TrainingState;
    assert.ok(back.buffer.every((x) => x === 1));
    assert.ok(new Uint8Array(back.raw).every((x) => x === 1));
    assert.ok((back.variable.dataSync() as Float32Array).every((x) => x === 1));
  });

  it('save() to a file: the same, through the real writer', async () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-capture-')), 'c.reprise');
    const state = new TrainingState();
    const saving = save(state, file);
    trainOn(state);
    state.variable.dispose();
    await saving;
    const back = (await load(file)) as TrainingState;
    assert.ok(back.buffer.every((x) => x === 1));
    assert.ok((back.variable.dataSync() as Float32Array).every((x) => x === 1));
  });

  it('saveCheckpoint and the plugin written in the background capture too', async () => {
    const storage = new GatedStorage();
    const state = new TrainingState();
    storage.close();
    const direct = saveCheckpoint(state, { storage, name: 'direct' });
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
    const strategy = new ToyStrategy([plugin]);
    const payload = new Float64Array(1024).fill(1);
    Object.assign(strategy, { payload });
    await strategy.train(0);
    await strategy.eval(); // returns while the write waits at the gate
    trainOn(state);
    payload.fill(2);
    storage.release();
    await direct;
    await plugin.flush();
    const value = (await load({ storage, name: 'direct' })) as { strategy: TrainingState };
    assert.ok(value.strategy.buffer.every((x) => x === 1));
    const [loaded] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy & { payload: Float64Array }>();
    assert.ok(loaded!.payload.every((x) => x === 1));
  });
});
