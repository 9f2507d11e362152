import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CheckpointFormatError, CheckpointStorageError, UnsupportedVersionError } from '../../src/errors.js';
import { CheckpointPlugin, FileSystemCheckpointStorage, MemoryCheckpointStorage, saveCheckpoint } from '../../src/checkpoint/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;

async function run(plugin: CheckpointPlugin, experiences: number, strategy = new ToyStrategy([plugin])): Promise<ToyStrategy> {
  for (let e = 0; e < experiences; e++) {
    await strategy.train(e);
    await strategy.eval();
  }
  return strategy;
}

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-prune-'));
}

describe('pruning never loses the run (issue reproductions)', () => {
  it('junk in ck/7.reprise, keepLast 1, experiences 1-3: 3.reprise and 7.reprise are left, and the load names 7 and the way out', async () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, '7.reprise'), 'junk');
    const storage = new FileSystemCheckpointStorage({ directory: dir });
    await run(new CheckpointPlugin(storage, { keepLast: 1 }), 3);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['3.reprise', '7.reprise']);
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (e: unknown) => {
      assert.ok(code('FOREIGN_CHECKPOINT')(e));
      assert.ok((e as Error).message.includes(path.join(dir, '7.reprise')), (e as Error).message);
      assert.ok((e as Error).cause instanceof CheckpointFormatError, 'the cause says why it does not load');
      return true;
    });
  });

  it('a stale valid 9.reprise of another run is kept, the run keeps its newest, and the load refuses to mix the runs', async () => {
    const dir = folder();
    const storage = new FileSystemCheckpointStorage({ directory: dir });
    const other = new ToyStrategy([new CheckpointPlugin(storage)]);
    other.clock.trainExpCounter = 9;
    await (other.plugins[0] as CheckpointPlugin).saveCheckpoint(other);
    await run(new CheckpointPlugin(storage, { keepLast: 1 }), 3);
    assert.deepEqual(fs.readdirSync(dir).sort(), ['3.reprise', '9.reprise']);
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (e: unknown) => {
      assert.ok(code('MIXED_RUNS')(e));
      assert.ok((e as Error).message.includes(path.join(dir, '9.reprise')) && (e as Error).message.includes(path.join(dir, '3.reprise')), (e as Error).message);
      return true;
    });
    fs.renameSync(path.join(dir, '9.reprise'), path.join(os.tmpdir(), `moved-away-${process.pid}.reprise`));
    const [strategy, initialExp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.equal(initialExp, 3);
    assert.deepEqual(strategy!.weights, [0, 10, 20]);
  });

  it('a resumed run is the same run: it prunes the checkpoints written before the stop', async () => {
    const storage = new MemoryCheckpointStorage();
    const first = new CheckpointPlugin(storage, { keepLast: 2 });
    await run(first, 2);
    const resumed = new CheckpointPlugin(storage, { keepLast: 2 });
    const [strategy] = await resumed.loadCheckpointIfExists<ToyStrategy>();
    assert.equal(resumed.runId, first.runId);
    await strategy!.train(2);
    await strategy!.eval();
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['2', '3']);
  });

  it('a new run in the same storage does not delete the earlier run\'s checkpoints', async () => {
    const storage = new MemoryCheckpointStorage();
    await run(new CheckpointPlugin(storage, { keepLast: 1 }), 2);
    const fresh = new CheckpointPlugin(storage, { keepLast: 1 });
    const strategy = new ToyStrategy([fresh]);
    strategy.clock.trainExpCounter = 4;
    await strategy.eval();
    await strategy.train(5);
    await strategy.eval();
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['2', '5']);
  });

  it('checkpoints without a run id (saveCheckpoint(), older files) are never pruned', async () => {
    const storage = new MemoryCheckpointStorage();
    const s = new ToyStrategy();
    await saveCheckpoint(s, { storage, name: '0' });
    await run(new CheckpointPlugin(storage, { keepLast: 1 }), 3);
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['0', '3']);
  });

  it('a failing prune after a successful store is a warning, not a failed save', async () => {
    class NoDelete extends MemoryCheckpointStorage {
      override async deleteCheckpoint(name: string): Promise<void> {
        throw new CheckpointStorageError('DELETE_FAILED', `read-only: ${name}`);
      }
    }
    const warnings: string[] = [];
    const listener = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', listener);
    try {
      const storage = new NoDelete();
      await run(new CheckpointPlugin(storage, { keepLast: 1 }), 2);
      await nextTurn();
      assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2']);
      assert.ok(warnings.includes('REPRISE_PRUNE_FAILED'), `warnings: ${warnings}`);
    } finally {
      process.off('warning', listener);
    }
  });
});

describe('checkpoint names', () => {
  it('only "<n>" and "<n>.<i>" of 1 to 15 digits each are checkpoints; they sort by n, then i, as numbers', async () => {
    const storage = new MemoryCheckpointStorage();
    const names = ['v3', '3v', '4.x', 'x.4', '5.', '.6', '7.8.9', '2.10', '2.9', '2', '1.1', '1234567890123456', '123456789012345', '8.1234567890123456', '9.123456789012345'];
    for (const name of names) await storage.storeCheckpoint(name, [Uint8Array.of(1)]);
    const plugin = new CheckpointPlugin(storage);
    assert.deepEqual(await plugin.checkpointNames(), ['1.1', '2', '2.9', '2.10', '9.123456789012345', '123456789012345']);
    assert.deepEqual(await plugin.checkpointNumbers(), [2, 123456789012345]);
  });

  it('of two spellings of one number, the canonical one wins, else the smaller string, whatever the listing order', async () => {
    for (const [names, expected] of [
      [['05', '005'], ['005']],
      [['005', '05'], ['005']],
      [['05', '5', '005'], ['5']],
      [['5', '05'], ['5']],
      [['3.07', '3.7', '03.7'], ['3.7']],
      [['03.7', '3.007'], ['03.7']],
      [['08.0', '8.0'], ['8.0']],
    ] as Array<[string[], string[]]>) {
      const storage = new MemoryCheckpointStorage();
      for (const name of names) await storage.storeCheckpoint(name, [Uint8Array.of(1)]);
      assert.deepEqual(await new CheckpointPlugin(storage).checkpointNames(), expected, names.join(' '));
    }
  });

  it('a strategy whose trainingPosition is null is between experiences: its checkpoint is "<k>"', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage);
    assert.equal(await plugin.saveCheckpoint({ plugins: [plugin], clock: { trainExpCounter: 3, trainExpIterations: 4 }, trainingPosition: null as never }), '3');
  });

  it('0005.reprise is found as checkpoint 5; 5.reprise wins over it when both exist', async () => {
    const dir = folder();
    const storage = new FileSystemCheckpointStorage({ directory: dir });
    const s = new ToyStrategy();
    s.clock.trainExpCounter = 5;
    s.weights = [5];
    await saveCheckpoint(s, { storage, name: '0005' });
    const plugin = new CheckpointPlugin(storage);
    assert.deepEqual(await plugin.checkpointNumbers(), [5]);
    const [loaded, initialExp] = await plugin.loadCheckpointIfExists<ToyStrategy>();
    assert.equal(initialExp, 5);
    assert.deepEqual(loaded!.weights, [5]);
    s.weights = [55];
    await saveCheckpoint(s, path.join(dir, '5.reprise'));
    const [again] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.deepEqual(again!.weights, [55]);
  });

  it('a checkpoint saved with save() as the newest is FOREIGN_CHECKPOINT, not a crash', async () => {
    const storage = new MemoryCheckpointStorage();
    await run(new CheckpointPlugin(storage), 1);
    const { save } = await import('../../src/checkpoint/index.js');
    await save({ not: 'a run' }, { storage, name: '2' });
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (e: unknown) => code('FOREIGN_CHECKPOINT')(e) && ((e as Error).cause as CheckpointStorageError).code === 'NOT_A_RUN_CHECKPOINT');
  });

  /** A storage that always lists checkpoint "3" (which it does not hold), counting its listings. */
  class ListsThree extends MemoryCheckpointStorage {
    lists = 0;
    override async listCheckpoints(): Promise<string[]> {
      this.lists++;
      return ['3'];
    }
  }

  it('a storage that lists a checkpoint it cannot find is NOT_FOUND after one more listing, not a loop', async () => {
    const storage = new ListsThree();
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), code('NOT_FOUND'));
    assert.equal(storage.lists, 2);
  });

  it('an older checkpoint whose header cannot be read (LOAD_FAILED) stops the load: the plugin cannot tell whose run it is', async () => {
    class OlderUnreadable extends MemoryCheckpointStorage {
      override async loadCheckpoint(name: string): Promise<Uint8Array> {
        if (name === '1') throw new CheckpointStorageError('LOAD_FAILED', `cannot read ${name}`);
        return super.loadCheckpoint(name);
      }
    }
    const storage = new OlderUnreadable();
    await run(new CheckpointPlugin(storage), 2);
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), code('LOAD_FAILED'));
  });

  it('any other storage failure of the newest checkpoint is thrown after one listing: only NOT_FOUND is worth listing again', async () => {
    class Unreadable extends ListsThree {
      override async loadCheckpoint(name: string): Promise<Uint8Array> {
        throw new CheckpointStorageError('LOAD_FAILED', `cannot read ${name}`);
      }
    }
    const storage = new Unreadable();
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), code('LOAD_FAILED'));
    assert.equal(storage.lists, 1);
  });

  it('a newest checkpoint from a newer format version says to upgrade (UnsupportedVersionError), not FOREIGN_CHECKPOINT', async () => {
    const storage = new MemoryCheckpointStorage();
    await run(new CheckpointPlugin(storage), 1);
    const bytes = storage.entries.get('1')!.slice();
    new DataView(bytes.buffer).setUint32(8, 99, true);
    storage.entries.set('2', bytes);
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (e: unknown) => e instanceof UnsupportedVersionError && e.code === 'UNSUPPORTED_VERSION');
  });
});
