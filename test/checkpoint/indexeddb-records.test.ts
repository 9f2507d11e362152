import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { IndexedDBCheckpointStorage, type IndexedDBGlobals } from '../../src/checkpoint/indexeddb-storage.js';
import { CheckpointError } from '../../src/errors.js';

/**
 * IndexedDBCheckpointStorage's records as they lie in the database: split at exact
 * record boundaries, refused when a record is missing, foreign or too long, and the
 * connection's life (a failed open retried, another tab's upgrade let through).
 */

type RawDb = {
  transaction(stores: string[], mode: string): { objectStore(n: string): { put(v: unknown, k: unknown): unknown; delete(k: unknown): unknown }; oncomplete: (() => void) | null };
  close(): void;
};

function freshGlobals(): IndexedDBGlobals {
  return { indexedDB: new IDBFactory(), IDBKeyRange } as unknown as IndexedDBGlobals;
}

function request<T>(req: { onsuccess: (() => void) | null; onerror: (() => void) | null; result: T; error: unknown }): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

/** Changes the records store (or another) behind the storage's back, in one committed transaction. */
async function editRecords(
  globals: IndexedDBGlobals,
  database: string,
  edit: (records: { put(v: unknown, k: unknown): unknown; delete(k: unknown): unknown }) => void,
  store = 'records',
): Promise<void> {
  const db = (await request(globals.indexedDB.open(database, 1) as never)) as RawDb;
  const tx = db.transaction([store], 'readwrite');
  edit(tx.objectStore(store));
  await new Promise<void>((resolve) => (tx.oncomplete = resolve));
  db.close();
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    assert.ok(e instanceof CheckpointError, String(e));
    return e.code;
  }
  return undefined;
}

const bytes = (n: number, seed = 0) => Uint8Array.from({ length: n }, (_, i) => (i * 13 + seed) & 0xff);

describe('IndexedDBCheckpointStorage records', () => {
  it('options: defaults (prefix "", 32 MiB records); a record size that is not a positive safe integer is BAD_OPTIONS at recordSize', () => {
    const s = new IndexedDBCheckpointStorage({ database: 'd' });
    assert.deepEqual([s.prefix, s.recordSize], ['', 32 * 1024 * 1024]);
    for (const recordSize of [0, -1, 1.5, 2 ** 53, Number.NaN]) {
      assert.throws(() => new IndexedDBCheckpointStorage({ database: 'd', recordSize }), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_OPTIONS' && e.path === 'recordSize', String(recordSize));
    }
    assert.equal(new IndexedDBCheckpointStorage({ database: 'd', recordSize: 1 }).recordSize, 1);
    assert.throws(() => new IndexedDBCheckpointStorage(undefined as never), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_OPTIONS' && e.path === 'database');
  });

  it('fromUrl: the host is the database, the path without its leading slashes the prefix, both decoded', () => {
    const s = IndexedDBCheckpointStorage.fromUrl(new URL('indexeddb://my%20db//runs/a%2Fb/'));
    assert.deepEqual([s.database, s.prefix], ['my db', 'runs/a/b/']);
    assert.equal(s.describe('3'), 'indexeddb://my db/runs/a/b/3');
  });

  it('sizes that are exact multiples of the record size, and smaller than one record, load back', async () => {
    const globals = freshGlobals();
    const s = new IndexedDBCheckpointStorage({ database: 'db', recordSize: 100, globals });
    for (const n of [1, 99, 100, 101, 200, 300]) {
      await s.storeCheckpoint(String(n), [bytes(n, n)]);
      assert.deepEqual(await s.loadCheckpoint(String(n)), bytes(n, n), String(n));
    }
    await s.close();
  });

  it('a record missing, not bytes, or longer than the head says is LOAD_FAILED, never a short or padded checkpoint', async () => {
    const edits: Array<(r: { put(v: unknown, k: unknown): unknown; delete(k: unknown): unknown }) => void> = [
      (r) => r.delete(['p/', '1', 1]),
      (r) => r.put('not bytes', ['p/', '1', 1]),
      (r) => r.put(new ArrayBuffer(150), ['p/', '1', 2]),
      (r) => r.put(new ArrayBuffer(10), ['p/', '1', 3]),
    ];
    for (const edit of edits) {
      const globals = freshGlobals();
      const s = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'p/', recordSize: 100, globals });
      await s.storeCheckpoint('1', [bytes(250)]);
      await s.close();
      await editRecords(globals, 'db', edit);
      assert.equal(await codeOf(s.loadCheckpoint('1')), 'LOAD_FAILED', edit.toString());
      await s.close();
    }
  });

  it('lists only the heads it writes: keys of another shape under its prefix are not checkpoints', async () => {
    const globals = freshGlobals();
    const s = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'p', globals });
    await s.storeCheckpoint('real', [bytes(5)]);
    await s.close();
    await editRecords(globals, 'db', (heads) => {
      heads.put({ size: 1, records: 1 }, ['p', 7]); // a number where a name goes
      heads.put({ size: 1, records: 1 }, ['p', 'three', 'parts']);
      heads.put({ size: 1, records: 1 }, ['p']);
    }, 'checkpoints');
    assert.deepEqual(await s.listCheckpoints(), ['real']);
  });

  it('names: a string, not empty, without "/"', async () => {
    const s = new IndexedDBCheckpointStorage({ database: 'db', globals: freshGlobals() });
    for (const name of ['', 'a/b', 5]) {
      assert.equal(await codeOf(s.checkpointExists(name as string)), 'BAD_NAME', String(name));
      assert.equal(await codeOf(s.loadCheckpoint(name as string)), 'BAD_NAME');
      assert.equal(await codeOf(s.deleteCheckpoint(name as string)), 'BAD_NAME');
    }
    await s.storeCheckpoint('a.b c', [bytes(3)]);
    assert.deepEqual(await s.listCheckpoints(), ['a.b c']);
    await s.close();
  });

  it('without IDBKeyRange (or indexedDB) it is UNSUPPORTED_PLATFORM, for every operation', async () => {
    const { indexedDB } = freshGlobals();
    for (const globals of [{ indexedDB }, { IDBKeyRange }]) {
      const s = new IndexedDBCheckpointStorage({ database: 'db', globals: globals as unknown as IndexedDBGlobals });
      assert.equal(await codeOf(s.listCheckpoints()), 'UNSUPPORTED_PLATFORM');
      assert.equal(await codeOf(s.storeCheckpoint('1', [bytes(1)])), 'UNSUPPORTED_PLATFORM');
      assert.equal(await codeOf(s.loadCheckpoint('1')), 'UNSUPPORTED_PLATFORM');
    }
  });

  it('an open that fails is LIST_FAILED and is tried again on the next call', async () => {
    const real = freshGlobals();
    let failures = 1;
    const globals: IndexedDBGlobals = {
      IDBKeyRange: real.IDBKeyRange,
      indexedDB: {
        open(name: string, version: number) {
          if (failures-- <= 0) return real.indexedDB.open(name, version);
          // A request that fails later, as a browser's does (quota, private mode).
          const failing = { result: undefined, error: new Error('UnknownError (injected)'), onsuccess: null, onerror: null as (() => void) | null, onupgradeneeded: null, onblocked: null };
          setImmediate(() => failing.onerror?.());
          return failing as never;
        },
      },
    };
    const s = new IndexedDBCheckpointStorage({ database: 'db', globals });
    assert.equal(await codeOf(s.listCheckpoints()), 'LIST_FAILED');
    assert.deepEqual(await s.listCheckpoints(), []);
    await s.close();
  });

  it('another tab upgrading the database is not blocked: the storage closes its connection and reopens on next use', async () => {
    const globals = freshGlobals();
    const s = new IndexedDBCheckpointStorage({ database: 'db', globals });
    await s.storeCheckpoint('1', [bytes(5)]);
    const upgrade = globals.indexedDB.open('db', 2) as unknown as { onsuccess: (() => void) | null; onblocked: (() => void) | null; result: RawDb };
    const outcome = await new Promise<string>((resolve) => {
      upgrade.onsuccess = () => resolve('opened');
      upgrade.onblocked = () => resolve('blocked');
    });
    assert.equal(outcome, 'opened');
    upgrade.result.close();
    // The database is now version 2: this storage's version-1 open is refused, as a typed error.
    assert.equal(await codeOf(s.listCheckpoints()), 'LIST_FAILED');
  });
});
