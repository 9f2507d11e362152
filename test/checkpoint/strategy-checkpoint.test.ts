import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointError, RestoreError } from '../../src/errors.js';
import { maybeLoadCheckpoint, registerGlobalState, save, saveCheckpoint } from '../../src/checkpoint/index.js';
import { OtherStrategy, ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-ckpt-'));

let counter = 0;
registerGlobalState('test.counter', { capture: () => counter, restore: (s) => void (counter = s as number) });

describe('saveCheckpoint / maybeLoadCheckpoint', () => {
  it('a missing file returns the strategy untouched and 0', async () => {
    const s = new ToyStrategy();
    const [out, exp] = await maybeLoadCheckpoint(s, path.join(tmp(), 'none.reprise'));
    assert.equal(out, s);
    assert.equal(exp, 0);
  });

  it('restores the fields in place, with the experience counter and global state', async () => {
    const file = path.join(tmp(), 'run.reprise');
    const s = new ToyStrategy();
    await s.train(0);
    await s.train(1);
    await s.eval();
    counter = 42;
    await saveCheckpoint(s, file);
    counter = 0;
    const fresh = new ToyStrategy();
    const [out, exp] = await maybeLoadCheckpoint(fresh, file);
    assert.equal(out, fresh, 'in place');
    assert.equal(exp, 2);
    assert.deepEqual(fresh.weights, [0, 10]);
    assert.deepEqual([...fresh.history], [[2, 10]]);
    assert.equal(counter, 42);
  });

  it('leaves excluded fields as the live strategy has them', async () => {
    const file = path.join(tmp(), 'run.reprise');
    const s = new ToyStrategy();
    await s.train(3);
    await saveCheckpoint(s, file, { exclude: ['weights'] });
    const fresh = new ToyStrategy();
    fresh.weights = [99];
    let report: any;
    await maybeLoadCheckpoint(fresh, file, { onReport: (r) => (report = r) });
    assert.deepEqual(fresh.weights, [99]);
    assert.equal(fresh.clock.trainExpCounter, 1);
    assert.deepEqual(report.keptFields, ['weights']);
  });

  it('refuses another strategy class and changes nothing', async () => {
    const file = path.join(tmp(), 'run.reprise');
    const s = new ToyStrategy();
    await s.train(1);
    await saveCheckpoint(s, file);
    const other = new OtherStrategy();
    await assert.rejects(maybeLoadCheckpoint(other, file), (e: unknown) => e instanceof RestoreError && e.code === 'STRATEGY_MISMATCH');
    assert.equal(other.clock.trainExpCounter, 0);
  });

  it('refuses a file that is not a run checkpoint', async () => {
    const file = path.join(tmp(), 'value.reprise');
    await save({ just: 'a value' }, file);
    await assert.rejects(maybeLoadCheckpoint(new ToyStrategy(), file), (e: unknown) => e instanceof RestoreError && e.code === 'NOT_A_RUN_CHECKPOINT');
  });

  it('a corrupted checkpoint is a CheckpointFormatError and the live strategy is untouched', async () => {
    const file = path.join(tmp(), 'run.reprise');
    const s = new ToyStrategy();
    await s.train(1);
    await saveCheckpoint(s, file);
    const bytes = fs.readFileSync(file);
    bytes[bytes.length - 3]! ^= 0x10;
    fs.writeFileSync(file, bytes);
    const fresh = new ToyStrategy();
    await assert.rejects(maybeLoadCheckpoint(fresh, file), (e: unknown) => e instanceof CheckpointError && e.code === 'SECTION_CHECKSUM');
    assert.deepEqual(fresh.weights, []);
  });

  it('names the unregistered object in a strategy, with its path', async () => {
    class NotRegistered {}
    const s = new ToyStrategy([{ afterEval: undefined, buffer: new NotRegistered() } as object]);
    await assert.rejects(saveCheckpoint(s, path.join(tmp(), 'x.reprise')), (e: unknown) => e instanceof CheckpointError && e.code === 'UNREGISTERED_CLASS' && e.path === '.strategy.plugins[0].buffer');
  });

  it('a failed save leaves the previous checkpoint intact', async () => {
    const dir = tmp();
    const file = path.join(dir, 'run.reprise');
    const s = new ToyStrategy();
    await s.train(1);
    await saveCheckpoint(s, file);
    const before = fs.readFileSync(file);
    (s as any).bad = Symbol('cannot save');
    await assert.rejects(saveCheckpoint(s, file));
    assert.deepEqual(fs.readFileSync(file), before);
    assert.deepEqual(fs.readdirSync(dir), ['run.reprise'], 'no temporary file left behind');
  });
});

describe('restore failures and file errors', () => {
  it('a global state that cannot be restored is RESTORE_FAILED and leaves the strategy untouched', async () => {
    const file = path.join(tmp(), 'run.reprise');
    registerGlobalState('test.fragile', { capture: () => 'state', restore: () => { throw new Error('refused'); } });
    try {
      const s = new ToyStrategy();
      await s.train(1);
      await saveCheckpoint(s, file);
      const fresh = new ToyStrategy();
      await assert.rejects(maybeLoadCheckpoint(fresh, file), (e: unknown) => e instanceof CheckpointError && e.code === 'RESTORE_FAILED');
      assert.deepEqual(fresh.weights, [], 'no field was replaced');
      assert.equal(fresh.clock.trainExpCounter, 0);
    } finally {
      registerGlobalState('test.fragile', { capture: () => 'state', restore: () => {} });
    }
  });

  it('an unwritable target is STORE_FAILED (a missing folder is created); a path that is a folder is LOAD_FAILED', async () => {
    const dir = tmp();
    const s = new ToyStrategy();
    fs.writeFileSync(path.join(dir, 'a-file'), 'x');
    await assert.rejects(saveCheckpoint(s, path.join(dir, 'a-file', 'run.reprise')), (e: unknown) => e instanceof CheckpointError && e.code === 'STORE_FAILED');
    await saveCheckpoint(s, path.join(dir, 'missing-folder', 'run.reprise'));
    assert.ok(fs.existsSync(path.join(dir, 'missing-folder', 'run.reprise')));
    await assert.rejects(maybeLoadCheckpoint(s, dir), (e: unknown) => e instanceof CheckpointError && e.code === 'LOAD_FAILED');
  });
});
