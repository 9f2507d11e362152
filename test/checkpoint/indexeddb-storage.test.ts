import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { IndexedDBCheckpointStorage, type IndexedDBGlobals } from '../../src/checkpoint/indexeddb-storage.js';
import { deserialize, serialize } from '../../src/index.js';
import { CheckpointError } from '../../src/errors.js';

function freshGlobals(): IndexedDBGlobals {
  return { indexedDB: new IDBFactory(), IDBKeyRange } as unknown as IndexedDBGlobals;
}

function bytes(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
}

/** Odd-sized chunks of `b` (views into one buffer, as save() hands them over). */
function chunked(b: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let at = 0, k = 1; at < b.length; at += k, k = (k * 7) % 97 + 1) out.push(b.subarray(at, Math.min(b.length, at + k)));
  return out;
}

async function code(p: Promise<unknown>): Promise<string | undefined> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof CheckpointError, String(e));
    return e.code;
  }
  return undefined;
}

describe('IndexedDBCheckpointStorage (fake-indexeddb in Node)', () => {
  it('stores a checkpoint across records and loads the same bytes; replacing leaves no stale records', async () => {
    const globals = freshGlobals();
    const s = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'run1/', recordSize: 100, globals });
    const big = bytes(1234, 1);
    await s.storeCheckpoint('1', chunked(big));
    assert.deepEqual(await s.loadCheckpoint('1'), big);
    const small = bytes(150, 2);
    await s.storeCheckpoint('1', chunked(small));
    assert.deepEqual(await s.loadCheckpoint('1'), small);
    await s.storeCheckpoint('empty', []);
    assert.deepEqual(await s.loadCheckpoint('empty'), new Uint8Array(0));
    // A second connection sees what the first committed.
    const again = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'run1/', recordSize: 7, globals });
    assert.deepEqual(await again.loadCheckpoint('1'), small);
    await s.close();
    await again.close();
  });

  it('lists, tests and deletes only the checkpoints under its own prefix', async () => {
    const globals = freshGlobals();
    const a = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'a', recordSize: 10, globals });
    const ab = new IndexedDBCheckpointStorage({ database: 'db', prefix: 'ab', recordSize: 10, globals });
    await a.storeCheckpoint('1', [bytes(25, 1)]);
    await a.storeCheckpoint('2', [bytes(5, 2)]);
    await ab.storeCheckpoint('1', [bytes(33, 3)]);
    assert.deepEqual((await a.listCheckpoints()).sort(), ['1', '2']);
    assert.deepEqual(await ab.listCheckpoints(), ['1']);
    assert.equal(await a.checkpointExists('2'), true);
    await a.deleteCheckpoint('1');
    await a.deleteCheckpoint('never-there');
    assert.deepEqual(await a.listCheckpoints(), ['2']);
    assert.equal(await a.checkpointExists('1'), false);
    assert.equal(await code(a.loadCheckpoint('1')), 'NOT_FOUND');
    assert.deepEqual(await ab.loadCheckpoint('1'), bytes(33, 3), 'the other prefix is untouched');
  });

  it('a store that fails part way leaves the previous checkpoint whole (one transaction)', async () => {
    const real = freshGlobals();
    let failPut = false;
    // Wraps the factory so that the second record put of the next store throws.
    const wrapped: IndexedDBGlobals = {
      IDBKeyRange: real.IDBKeyRange,
      indexedDB: {
        open(name: string, version: number) {
          const req = real.indexedDB.open(name, version);
          const origSuccess = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(req), 'result');
          void origSuccess;
          return new Proxy(req, {
            get(target, key) {
              if (key !== 'result') return Reflect.get(target, key);
              const db = target.result as unknown as { transaction(s: string[], m: string): { objectStore(n: string): object } };
              return new Proxy(db, {
                get(d, k) {
                  if (k !== 'transaction') return (Reflect.get(d, k) as unknown as { bind?: (x: unknown) => unknown })?.bind?.(d) ?? Reflect.get(d, k);
                  return (stores: string[], mode: string) => {
                    const tx = d.transaction(stores, mode) as unknown as { objectStore(n: string): { put(v: unknown, k: unknown): unknown } };
                    return new Proxy(tx, {
                      get(t, tk) {
                        if (tk !== 'objectStore') return (Reflect.get(t, tk) as { bind?: (x: unknown) => unknown })?.bind?.(t) ?? Reflect.get(t, tk);
                        return (n: string) => {
                          const store = t.objectStore(n);
                          let puts = 0;
                          return new Proxy(store, {
                            get(st, sk) {
                              if (sk === 'put' && failPut && n === 'records') {
                                return (v: unknown, k: unknown) => {
                                  if (++puts === 2) throw new Error('QuotaExceededError (injected)');
                                  return st.put(v, k);
                                };
                              }
                              return (Reflect.get(st, sk) as { bind?: (x: unknown) => unknown })?.bind?.(st) ?? Reflect.get(st, sk);
                            },
                          });
                        };
                      },
                      set(t, tk, v) {
                        return Reflect.set(t, tk, v);
                      },
                    });
                  };
                },
              });
            },
            set(target, key, v) {
              return Reflect.set(target, key, v);
            },
          });
        },
      } as unknown as IndexedDBGlobals['indexedDB'],
    };
    const s = new IndexedDBCheckpointStorage({ database: 'db', recordSize: 10, globals: wrapped });
    const before = bytes(95, 4);
    await s.storeCheckpoint('5', [before]);
    failPut = true;
    assert.equal(await code(s.storeCheckpoint('5', [bytes(60, 9)])), 'STORE_FAILED');
    failPut = false;
    assert.deepEqual(await s.loadCheckpoint('5'), before);
    assert.deepEqual(await s.listCheckpoints(), ['5']);
  });

  it('holds what serialize wrote and gives it back to deserialize; bad names and options are typed errors', async () => {
    const s = IndexedDBCheckpointStorage.fromUrl(new URL('indexeddb://my%20db/runs/a/'), { recordSize: 64, globals: freshGlobals() });
    assert.equal(s.database, 'my db');
    assert.equal(s.prefix, 'runs/a/');
    const value = { step: 3, losses: [0.5, 0.25], nested: new Map([['k', new Float64Array([1, 2])]]) };
    await s.storeCheckpoint('3', [serialize(value)]);
    assert.deepEqual(deserialize(await s.loadCheckpoint('3')), value);
    assert.equal(await code(s.storeCheckpoint('', [])), 'BAD_NAME');
    assert.throws(() => new IndexedDBCheckpointStorage({ database: '' }), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_OPTIONS' && e.path === 'database');
    assert.throws(() => new IndexedDBCheckpointStorage({ database: 'x', recordSize: 0 }), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_OPTIONS' && e.path === 'recordSize');
    assert.equal(await code(new IndexedDBCheckpointStorage({ database: 'x' }).listCheckpoints()), 'UNSUPPORTED_PLATFORM');
  });
});
