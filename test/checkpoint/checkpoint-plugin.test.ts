import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointStorageError } from '../../src/errors.js';
import * as tf from '@tensorflow/tfjs';
import { CheckpointPlugin, FileSystemCheckpointStorage, MemoryCheckpointStorage, readCheckpointHeader, saveCheckpoint, StopSignal } from '../../src/checkpoint/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

async function run(plugin: CheckpointPlugin, experiences: number[], strategy = new ToyStrategy([plugin])) {
  for (const e of experiences) {
    await strategy.train(e);
    await strategy.eval();
  }
  return strategy;
}

describe('CheckpointPlugin', () => {
  it('saves after each eval phase following training, named by trained experiences', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage);
    const s = new ToyStrategy([plugin]);
    await s.eval();
    assert.deepEqual(await storage.listCheckpoints(), [], 'no checkpoint before any training');
    await run(plugin, [0, 1, 2], s);
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2', '3']);
  });

  it('loadCheckpointIfExists gives [null, 0] on an empty storage', async () => {
    assert.deepEqual(await new CheckpointPlugin(new MemoryCheckpointStorage()).loadCheckpointIfExists(), [null, 0]);
  });

  it('loads the newest checkpoint, with the live plugin in place of the stored one', async () => {
    const storage = new MemoryCheckpointStorage();
    await run(new CheckpointPlugin(storage), [0, 1]);
    const plugin = new CheckpointPlugin(storage);
    const [strategy, initialExp] = await plugin.loadCheckpointIfExists<ToyStrategy>();
    assert.ok(strategy instanceof ToyStrategy);
    assert.equal(initialExp, 2);
    assert.deepEqual(strategy.weights, [0, 10]);
    assert.equal(strategy.plugins[0], plugin);
    await run(plugin, [2], strategy);
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2', '3']);
  });

  it('keeps only the last N checkpoints when asked', async () => {
    const storage = new MemoryCheckpointStorage();
    await run(new CheckpointPlugin(storage, { keepLast: 2 }), [0, 1, 2, 3]);
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['3', '4']);
  });

  it('forwards the save options (deviceTag, metadata) and records the run id in each header', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage, { deviceTag: 'cuda:0', metadata: { experiment: 'e1' } });
    const strategy = new ToyStrategy([plugin]);
    Object.assign(strategy, { w: tf.ones([2]) });
    await run(plugin, [0], strategy);
    const header = await readCheckpointHeader(storage, '1');
    assert.equal(header.metadata.experiment, 'e1');
    assert.equal(header.metadata.runId, plugin.runId);
    assert.deepEqual(header.sections.filter((s) => s.kind === 'tensor').map((s) => s.device), ['cuda:0']);
  });

  it('refuses bad options', () => {
    const badOptions = (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_OPTIONS';
    assert.throws(() => new CheckpointPlugin(undefined as any), badOptions);
    assert.throws(() => new CheckpointPlugin(null as any), badOptions);
    for (const keepLast of [0, -1, 1.5, Number.NaN]) assert.throws(() => new CheckpointPlugin(new MemoryCheckpointStorage(), { keepLast }), badOptions, `keepLast ${keepLast}`);
    for (const everyIterations of [0, -2, 2.5]) assert.throws(() => new CheckpointPlugin(new MemoryCheckpointStorage(), { everyIterations }), badOptions, `everyIterations ${everyIterations}`);
    for (const everySeconds of [0, -1, '5' as never]) assert.throws(() => new CheckpointPlugin(new MemoryCheckpointStorage(), { everySeconds }), badOptions, `everySeconds ${everySeconds}`);
    // The smallest valid values.
    new CheckpointPlugin(new MemoryCheckpointStorage(), { keepLast: 1, everyIterations: 1, everySeconds: Number.MIN_VALUE });
  });

  it('a target that is not a storage, path or URL is BAD_OPTIONS with the storage layer\'s BAD_TARGET as its cause; other failures pass through', () => {
    assert.throws(
      () => new CheckpointPlugin(42 as never),
      (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_OPTIONS' && e.cause instanceof CheckpointStorageError && e.cause.code === 'BAD_TARGET',
    );
    assert.throws(() => new CheckpointPlugin('nope://bucket/run'), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'UNKNOWN_SCHEME');
  });

  it('a newest checkpoint without a run id (saveCheckpoint(), older files) loads though older ones carry run ids; the plugin keeps its own id', async () => {
    const storage = new MemoryCheckpointStorage();
    const first = new CheckpointPlugin(storage);
    const s = await run(first, [0]);
    await s.train(1);
    await saveCheckpoint(s, { storage, name: '2' });
    const plugin = new CheckpointPlugin(storage);
    const [strategy, initialExp] = await plugin.loadCheckpointIfExists<ToyStrategy>();
    assert.equal(initialExp, 2);
    assert.deepEqual(strategy!.weights, [0, 10]);
    assert.match(plugin.runId, /^[0-9a-f-]{36}$/);
    assert.notEqual(plugin.runId, first.runId);
  });

  it('an older checkpoint listed but gone when its header is read (pruned by another process) does not stop the load', async () => {
    class ListsAGhost extends MemoryCheckpointStorage {
      override async listCheckpoints(): Promise<string[]> {
        return ['1', ...(await super.listCheckpoints())];
      }
    }
    const storage = new ListsAGhost();
    const s = new ToyStrategy([new CheckpointPlugin(storage)]);
    s.clock.trainExpCounter = 1;
    await run(s.plugins[0] as CheckpointPlugin, [1], s);
    const [strategy, initialExp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.equal(initialExp, 2);
    assert.deepEqual(strategy!.weights, [10]);
  });

  it('loads a run whose strategy has no plugins list', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage);
    await plugin.saveCheckpoint({ clock: { trainExpCounter: 3 } });
    const [strategy, initialExp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<{ clock: object; plugins?: unknown }>();
    assert.equal(initialExp, 3);
    assert.deepEqual(strategy, { clock: { trainExpCounter: 3 } });
  });

  it('keepLast with a storage that cannot delete keeps everything, without a warning', async (t) => {
    const warnings: string[] = [];
    const listener = (w: Error & { code?: string }) => warnings.push(w.code ?? '');
    process.on('warning', listener);
    t.after(() => process.off('warning', listener));
    const inner = new MemoryCheckpointStorage();
    const storage = {
      listCheckpoints: () => inner.listCheckpoints(),
      checkpointExists: (name: string) => inner.checkpointExists(name),
      storeCheckpoint: (name: string, chunks: readonly Uint8Array[]) => inner.storeCheckpoint(name, chunks),
      loadCheckpoint: (name: string) => inner.loadCheckpoint(name),
    };
    await run(new CheckpointPlugin(storage, { keepLast: 1 }), [0, 1, 2]);
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual((await inner.listCheckpoints()).sort(), ['1', '2', '3']);
    assert.deepEqual(warnings, []);
  });
});

describe('FileSystemCheckpointStorage', () => {
  it('creates nothing until the first save, then writes <dir>/<name>.reprise', async () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-fs-')), 'nested', 'ckpt');
    const storage = new FileSystemCheckpointStorage({ directory: dir });
    const plugin = new CheckpointPlugin(storage);
    assert.deepEqual(await storage.listCheckpoints(), []);
    assert.equal(fs.existsSync(dir), false);
    await run(plugin, [0]);
    assert.deepEqual(fs.readdirSync(dir), ['1.reprise']);
    assert.equal(await storage.checkpointExists('1'), true);
    const [strategy, exp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.equal(exp, 1);
    assert.deepEqual(strategy!.weights, [0]);
  });

  it('refuses names that would escape the directory, and reports missing ones', async () => {
    const storage = new FileSystemCheckpointStorage({ directory: os.tmpdir() });
    assert.throws(() => storage.pathOf('../etc/passwd'), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_NAME');
    assert.throws(() => storage.pathOf('.hidden'), CheckpointStorageError);
    await assert.rejects(storage.loadCheckpoint('does-not-exist-123'), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'NOT_FOUND');
    assert.throws(() => new FileSystemCheckpointStorage({} as any), CheckpointStorageError);
  });
});

describe('StopSignal', () => {
  it('turns the first SIGTERM into a stop request and removes its handlers on dispose', () => {
    // A harness's own SIGTERM listeners (Stryker's test hook exits on SIGTERM) are set
    // aside while the signal is emitted, so that only StopSignal's handler hears it.
    const harness = process.listeners('SIGTERM');
    process.removeAllListeners('SIGTERM');
    try {
      const lines: string[] = [];
      const stop = new StopSignal().install(['SIGTERM'], (l) => lines.push(l));
      assert.equal(stop.requested, false);
      process.emit('SIGTERM', 'SIGTERM');
      assert.equal(stop.requested, true);
      assert.equal(stop.signal, 'SIGTERM');
      assert.match(lines[0]!, /SIGTERM/);
      stop.dispose();
      assert.equal(process.listenerCount('SIGTERM'), 0);
    } finally {
      for (const listener of harness) process.on('SIGTERM', listener);
    }
  });
});

describe('FileSystemCheckpointStorage on a broken folder', () => {
  it('names LIST_FAILED, STORE_FAILED and LOAD_FAILED', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-fs-'));
    const notAFolder = path.join(base, 'file');
    fs.writeFileSync(notAFolder, 'x');
    const storage = new FileSystemCheckpointStorage({ directory: notAFolder });
    const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;
    await assert.rejects(storage.listCheckpoints(), code('LIST_FAILED'));
    await assert.rejects(storage.storeCheckpoint('1', [Uint8Array.of(1)]), code('STORE_FAILED'));
    const good = new FileSystemCheckpointStorage({ directory: base });
    fs.mkdirSync(path.join(base, '7.reprise'));
    await assert.rejects(good.loadCheckpoint('7'), code('LOAD_FAILED'));
  });
});
