import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError, CheckpointStorageError } from '../../src/errors.js';
import { OPFSCheckpointStorage } from '../../src/checkpoint/opfs-storage.js';
import { resolveCheckpointLocation, resolveStorage } from '../../src/checkpoint/storage-schemes.js';
import { fakeOPFS } from '../helpers/opfs-fake.js';

// The storage contract table runs against OPFSCheckpointStorage (test/checkpoint/storage-contract.test.ts),
// and in headless Chromium against the real OPFS (test/browser/in-chromium.test.ts). Here: what is OPFS's own.

const DAY = 24 * 60 * 60 * 1000;

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
    return undefined;
  } catch (e) {
    return (e as CheckpointError).code;
  }
}

describe('OPFSCheckpointStorage', () => {
  it('opfs://folder/sub names a run folder of <name>.reprise files; opfs://folder/file one file', () => {
    const run = resolveStorage('opfs://runs/mnist') as OPFSCheckpointStorage;
    assert.ok(run instanceof OPFSCheckpointStorage);
    assert.equal(run.directory, 'runs/mnist');
    assert.equal(run.extension, '.reprise');
    assert.equal(run.describe('5'), 'opfs://runs/mnist/5.reprise');
    const one = resolveCheckpointLocation('opfs://runs/mnist/5.reprise');
    assert.equal(one.name, '5.reprise');
    assert.equal((one.storage as OPFSCheckpointStorage).directory, 'runs/mnist');
    assert.equal((one.storage as OPFSCheckpointStorage).extension, '');
    assert.equal((resolveStorage('opfs:///') as OPFSCheckpointStorage).directory, '');
  });

  it('refuses a folder with . or .. (BAD_OPTIONS, path directory) and names that are not one file (BAD_NAME)', async () => {
    for (const directory of ['a/../b', './a', 'a\\b']) {
      assert.throws(() => new OPFSCheckpointStorage({ directory }), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_OPTIONS' && e.path === 'directory');
    }
    for (const extension of ['a/b', 5]) {
      assert.throws(() => new OPFSCheckpointStorage({ extension: extension as string }), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_OPTIONS' && e.path === 'extension');
    }
    for (const directory of [5, {}]) {
      assert.throws(() => new OPFSCheckpointStorage({ directory: directory as unknown as string }), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BAD_OPTIONS' && e.path === 'directory');
    }
    assert.equal(new OPFSCheckpointStorage().directory, '', 'the root folder by default');
    const s = new OPFSCheckpointStorage({ root: fakeOPFS().root });
    for (const name of ['', '.hidden', 'a/b', 'a b', 'x'.repeat(250)]) assert.equal(await codeOf(s.storeCheckpoint(name, [Uint8Array.of(1)])), 'BAD_NAME', name);
    const anyFile = new OPFSCheckpointStorage({ root: fakeOPFS().root, extension: '' });
    await anyFile.storeCheckpoint('a b', [Uint8Array.of(1)]);
    assert.deepEqual(await anyFile.listCheckpoints(), ['a b']);
  });

  it('where there is no OPFS (Node), using it is UNSUPPORTED_PLATFORM; a folder not yet created lists empty', async () => {
    const s = new OPFSCheckpointStorage({ directory: 'run' });
    if ((globalThis as { navigator?: { storage?: unknown } }).navigator?.storage === undefined) {
      assert.equal(await codeOf(s.listCheckpoints()), 'UNSUPPORTED_PLATFORM');
      assert.equal(await codeOf(s.storeCheckpoint('1', [Uint8Array.of(1)])), 'UNSUPPORTED_PLATFORM');
    }
    const fake = fakeOPFS();
    const absent = new OPFSCheckpointStorage({ directory: 'not/there', root: fake.root });
    assert.deepEqual(await absent.listCheckpoints(), []);
    assert.equal(await absent.checkpointExists('1'), false);
    await assert.rejects(absent.openReader('1'), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'NOT_FOUND' && (e.cause as DOMException)?.name === 'NotFoundError');
    await absent.deleteCheckpoint('1');
    assert.deepEqual(fake.tree(), {}, 'listing, looking up, opening and deleting create no folder');
  });

  it('an error other than "not found" from the folder is LOAD_FAILED with its cause, never a missing checkpoint', async () => {
    const denied = new DOMException('injected: denied', 'SecurityError');
    const root = async () =>
      ({
        getFileHandle: async () => {
          throw denied;
        },
      }) as never;
    const s = new OPFSCheckpointStorage({ root });
    for (const call of [() => s.checkpointExists('1'), () => s.openReader('1'), () => s.loadCheckpoint('1')]) {
      await assert.rejects(call(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'LOAD_FAILED' && e.cause === denied);
    }
    const deleting = new OPFSCheckpointStorage({
      root: async () =>
        ({
          removeEntry: async () => {
            throw denied;
          },
        }) as never,
    });
    await assert.rejects(deleting.deleteCheckpoint('1'), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'DELETE_FAILED' && e.cause === denied);
  });

  it('lists only files it could have written: not hidden files (even with extension ""), not names outside its rules', async () => {
    const fake = fakeOPFS();
    const plain = new OPFSCheckpointStorage({ directory: 'run', root: fake.root });
    const anyFile = new OPFSCheckpointStorage({ directory: 'run', root: fake.root, extension: '' });
    await plain.storeCheckpoint('1', [Uint8Array.of(1)]);
    const dir = await (await fake.root()).getDirectoryHandle('run');
    for (const f of ['.1.reprise.00000000000000bb.tmp', 'a b.reprise']) {
      const w = await (await dir.getFileHandle(f, { create: true })).createWritable();
      await w.write(Uint8Array.of(9));
      await w.close();
    }
    assert.deepEqual(await plain.listCheckpoints(), ['1']);
    assert.deepEqual((await anyFile.listCheckpoints()).sort(), ['1.reprise', 'a b.reprise']);
  });

  it('a save leaves no temporary file; one a closed tab left is hidden, and removed by a later save once a day old', async () => {
    const fake = fakeOPFS();
    const s = new OPFSCheckpointStorage({ directory: 'run', root: fake.root });
    await s.storeCheckpoint('1', [Uint8Array.of(1, 2), Uint8Array.of(3)]);
    assert.deepEqual(fake.tree(), { run: -1, 'run/1.reprise': 3 });
    const dir = await (await fake.root()).getDirectoryHandle('run');
    for (const t of ['.2.reprise.00000000000000aa.tmp', '.2.reprise.00000000000000bb.tmp']) {
      const w = await (await dir.getFileHandle(t, { create: true })).createWritable();
      await w.write(Uint8Array.of(9));
      await w.close();
    }
    fake.backdate('run/.2.reprise.00000000000000aa.tmp', DAY + 1000);
    fake.backdate('run/.2.reprise.00000000000000bb.tmp', DAY - 60_000); // a minute short of a day: kept
    assert.deepEqual(await s.listCheckpoints(), ['1']);
    await s.storeCheckpoint('3', [Uint8Array.of(3)]);
    assert.deepEqual(fake.tree(), { run: -1, 'run/1.reprise': 3, 'run/.2.reprise.00000000000000bb.tmp': 1, 'run/3.reprise': 1 });
  });

  it('a day-old checkpoint whose name only looks like a temporary file (no leading ".") is never removed', async () => {
    const fake = fakeOPFS();
    const s = new OPFSCheckpointStorage({ directory: 'run', root: fake.root, extension: '' });
    const lookalike = 'model.v1.00000000000000aa.tmp';
    await s.storeCheckpoint(lookalike, [Uint8Array.of(7)]);
    fake.backdate(`run/${lookalike}`, DAY + 1000);
    await s.storeCheckpoint('next', [Uint8Array.of(8)]);
    assert.deepEqual((await s.listCheckpoints()).sort(), [lookalike, 'next']);
    assert.deepEqual(await s.loadCheckpoint(lookalike), Uint8Array.of(7));
  });

  it('a failed store removes its temporary file and says STORE_FAILED with the cause', async () => {
    const fake = fakeOPFS();
    const s = new OPFSCheckpointStorage({ directory: 'run', root: fake.root });
    fake.failWrite(1);
    await assert.rejects(s.storeCheckpoint('1', [Uint8Array.of(1)]), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'STORE_FAILED' && e.cause !== undefined);
    assert.deepEqual(fake.tree(), { run: -1 });
  });

  it('a folder where a checkpoint file should be is a missing checkpoint (TypeMismatchError), as is a missing one (NotFoundError)', async () => {
    const fake = fakeOPFS();
    const s = new OPFSCheckpointStorage({ directory: 'run', root: fake.root });
    await s.storeCheckpoint('2', [Uint8Array.of(2)]);
    await (await (await fake.root()).getDirectoryHandle('run')).getDirectoryHandle('1.reprise', { create: true });
    assert.deepEqual([await s.checkpointExists('1'), await s.checkpointExists('2'), await s.checkpointExists('3')], [false, true, false]);
    assert.equal(await codeOf(s.loadCheckpoint('1')), 'NOT_FOUND');
    assert.equal(await codeOf(s.loadCheckpoint('3')), 'NOT_FOUND');
    await s.deleteCheckpoint('3');
    assert.deepEqual(await s.listCheckpoints(), ['2']);
  });

  it('a read past the end of the file is LOAD_FAILED; the reader reads any range inside it', async () => {
    const s = new OPFSCheckpointStorage({ directory: 'run', root: fakeOPFS().root });
    await s.storeCheckpoint('1', [Uint8Array.of(1, 2, 3, 4, 5)]);
    const reader = await s.openReader('1');
    assert.equal(reader.size, 5);
    const mid = new Uint8Array(2);
    await reader.read(mid, 2);
    assert.deepEqual(mid, Uint8Array.of(3, 4));
    assert.equal(await codeOf(reader.read(new Uint8Array(2), 4)), 'LOAD_FAILED');
    await reader.close();
  });

  it('opfs://host/path is the folder host/path; without a root option it uses navigator.storage.getDirectory', async () => {
    assert.equal(OPFSCheckpointStorage.fromUrl(new URL('opfs://a%20b/c/d/')).directory, 'a b/c/d');
    const fake = fakeOPFS();
    const g = globalThis as { navigator?: unknown };
    const had = Object.getOwnPropertyDescriptor(g, 'navigator');
    Object.defineProperty(g, 'navigator', { value: { storage: { getDirectory: fake.root } }, configurable: true, writable: true });
    try {
      await new OPFSCheckpointStorage({ directory: 'x' }).storeCheckpoint('1', [Uint8Array.of(9)]);
    } finally {
      if (had) Object.defineProperty(g, 'navigator', had);
      else delete g.navigator;
    }
    assert.deepEqual(fake.tree(), { x: -1, 'x/1.reprise': 1 });
  });
});
