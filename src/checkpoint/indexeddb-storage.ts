import { CheckpointError, CheckpointStorageError } from '../errors.js';
import { storageFailure, type CheckpointStorage } from './storage.js';

// The few IndexedDB shapes used here (the project compiles without the DOM library).
interface Req<T = unknown> {
  result: T;
  error: unknown;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
interface OpenReq extends Req<Db> {
  onupgradeneeded: (() => void) | null;
  onblocked: (() => void) | null;
}
interface Store {
  put(value: unknown, key: unknown): Req;
  get(key: unknown): Req;
  getAll(range: unknown): Req<unknown[]>;
  getAllKeys(range: unknown): Req<unknown[]>;
  delete(range: unknown): Req;
}
interface Tx {
  objectStore(name: string): Store;
  oncomplete: (() => void) | null;
  onerror: (() => void) | null;
  onabort: (() => void) | null;
  error: unknown;
  abort(): void;
}
interface Db {
  objectStoreNames: { contains(name: string): boolean };
  createObjectStore(name: string): unknown;
  transaction(stores: string[], mode: 'readonly' | 'readwrite'): Tx;
  close(): void;
  onversionchange: (() => void) | null;
}
/** What `IndexedDBCheckpointStorage` needs of `indexedDB` and `IDBKeyRange`. */
export interface IndexedDBGlobals {
  indexedDB: { open(name: string, version: number): OpenReq };
  IDBKeyRange: { bound(lower: unknown, upper: unknown): unknown };
}

export interface IndexedDBCheckpointStorageOptions {
  /** The IndexedDB database (created on first use). */
  database: string;
  /** Checkpoints of this storage are the ones under this prefix; several runs share a database. Default `""`. */
  prefix?: string;
  /** Bytes per record: a larger checkpoint is split across records. Default 32 MiB. */
  recordSize?: number;
  /** `indexedDB` and `IDBKeyRange` to use; default the global ones (tests pass fake-indexeddb's). */
  globals?: IndexedDBGlobals;
}

const HEADS = 'checkpoints';
const RECORDS = 'records';
const DEFAULT_RECORD_SIZE = 32 * 1024 * 1024;

interface Head {
  size: number;
  records: number;
}

function done<T>(req: Req<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

function finished(tx: Tx): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
  });
}

/**
 * Keeps checkpoints in the browser's IndexedDB (`indexeddb://database/prefix`): for runs
 * in a page or a web worker. Each checkpoint is stored in one readwrite transaction — its
 * records and its head together — so a checkpoint is there whole or not at all, and the
 * previous one under the name stays until the new one commits. Checkpoints larger than
 * `recordSize` are split across records (one huge value is where browsers struggle).
 */
export class IndexedDBCheckpointStorage implements CheckpointStorage {
  readonly database: string;
  readonly prefix: string;
  readonly recordSize: number;
  readonly #globals: IndexedDBGlobals | undefined;
  #db: Promise<Db> | undefined;

  constructor(options: IndexedDBCheckpointStorageOptions) {
    if (typeof options?.database !== 'string' || options.database === '') {
      throw new CheckpointStorageError('BAD_OPTIONS', 'IndexedDBCheckpointStorage needs a database name', { path: 'database' });
    }
    const recordSize = options.recordSize ?? DEFAULT_RECORD_SIZE;
    if (!Number.isSafeInteger(recordSize) || recordSize < 1) {
      throw new CheckpointStorageError('BAD_OPTIONS', `recordSize must be a positive integer, got ${String(recordSize)}`, { path: 'recordSize' });
    }
    this.database = options.database;
    this.prefix = options.prefix ?? '';
    this.recordSize = recordSize;
    this.#globals = options.globals;
  }

  /** `indexeddb://database/prefix/` for `indexeddb://database/prefix`. */
  static fromUrl(url: URL, options: Omit<IndexedDBCheckpointStorageOptions, 'database' | 'prefix'> = {}): IndexedDBCheckpointStorage {
    const database = decodeURIComponent(url.host);
    const prefix = decodeURIComponent(url.pathname.replace(/^\/+/, ''));
    return new IndexedDBCheckpointStorage({ ...options, database, prefix });
  }

  describe(name: string): string {
    return `indexeddb://${this.database}/${this.prefix}${name}`;
  }

  #api(): IndexedDBGlobals {
    const g = this.#globals ?? (globalThis as unknown as Partial<IndexedDBGlobals>);
    if (!g.indexedDB || !g.IDBKeyRange) {
      throw new CheckpointError('UNSUPPORTED_PLATFORM', 'no IndexedDB here (browsers and workers have it; in Node pass `globals` from fake-indexeddb, or use another storage)');
    }
    return g as IndexedDBGlobals;
  }

  #open(): Promise<Db> {
    if (!this.#db) {
      const req = this.#api().indexedDB.open(this.database, 1);
      req.onupgradeneeded = () => {
        const db = req.result;
        if (!db.objectStoreNames.contains(HEADS)) db.createObjectStore(HEADS);
        if (!db.objectStoreNames.contains(RECORDS)) db.createObjectStore(RECORDS);
      };
      this.#db = done(req).then((db) => {
        // Let another tab upgrade or delete the database: close, reopen on next use.
        db.onversionchange = () => {
          db.close();
          this.#db = undefined;
        };
        return db;
      });
      this.#db.catch(() => (this.#db = undefined));
    }
    return this.#db;
  }

  #checkName(name: string): void {
    // One segment: `indexeddb://db/prefix/name` names it by its last path segment.
    if (typeof name !== 'string' || name === '' || name.includes('/')) {
      throw new CheckpointStorageError('BAD_NAME', `checkpoint name must be a non-empty string without "/", got ${JSON.stringify(name)}`);
    }
  }

  #recordRange(name: string): unknown {
    // [prefix, name] < [prefix, name, i] < [prefix, name, []]: arrays sort after numbers.
    return this.#api().IDBKeyRange.bound([this.prefix, name], [this.prefix, name, []]);
  }

  /** Closes the database connection (a later call opens it again). */
  async close(): Promise<void> {
    const db = this.#db;
    this.#db = undefined;
    if (db) (await db.catch(() => undefined))?.close();
  }

  async listCheckpoints(): Promise<string[]> {
    try {
      const db = await this.#open();
      const tx = db.transaction([HEADS], 'readonly');
      const keys = await done(tx.objectStore(HEADS).getAllKeys(this.#api().IDBKeyRange.bound([this.prefix], [this.prefix, []])));
      return keys.filter((k): k is [string, string] => Array.isArray(k) && k.length === 2 && typeof k[1] === 'string').map((k) => k[1]);
    } catch (err) {
      throw storageFailure('LIST_FAILED', `cannot list checkpoints in ${this.describe('')}`, err);
    }
  }

  async checkpointExists(name: string): Promise<boolean> {
    this.#checkName(name);
    try {
      const db = await this.#open();
      return (await done(db.transaction([HEADS], 'readonly').objectStore(HEADS).get([this.prefix, name]))) !== undefined;
    } catch (err) {
      throw storageFailure('LOAD_FAILED', `cannot look up checkpoint ${this.describe(name)}`, err);
    }
  }

  /**
   * Copies the chunks into records of `recordSize` (each its own ArrayBuffer) and stores
   * them with the head in one transaction. Each record is handed to IndexedDB (which
   * clones it at once) before the next one is made, so a save holds one record beyond
   * IndexedDB's own copy, not a second copy of the checkpoint.
   */
  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    this.#checkName(name);
    try {
      const size = chunks.reduce((n, c) => n + c.byteLength, 0);
      const db = await this.#open();
      const tx = db.transaction([HEADS, RECORDS], 'readwrite');
      const committed = finished(tx);
      try {
        const recordStore = tx.objectStore(RECORDS);
        recordStore.delete(this.#recordRange(name));
        let records = 0;
        let current = new Uint8Array(Math.min(this.recordSize, size));
        let filled = 0;
        for (const chunk of chunks) {
          for (let at = 0; at < chunk.byteLength; ) {
            const n = Math.min(chunk.byteLength - at, current.length - filled);
            current.set(chunk.subarray(at, at + n), filled);
            filled += n;
            at += n;
            if (filled === current.length) {
              recordStore.put(current.buffer, [this.prefix, name, records++]);
              current = new Uint8Array(Math.min(this.recordSize, Math.max(size - records * this.recordSize, 0)));
              filled = 0;
            }
          }
        }
        tx.objectStore(HEADS).put({ size, records } satisfies Head, [this.prefix, name]);
      } catch (err) {
        // Nothing of a failed request list may commit: the previous checkpoint stays whole.
        tx.abort();
        committed.catch(() => undefined);
        throw err;
      }
      await committed;
    } catch (err) {
      throw storageFailure('STORE_FAILED', `cannot store checkpoint ${this.describe(name)}; the previous checkpoint there is untouched`, err);
    }
  }

  async loadCheckpoint(name: string): Promise<Uint8Array> {
    this.#checkName(name);
    let head: Head | undefined;
    let records: unknown[];
    try {
      const db = await this.#open();
      const tx = db.transaction([HEADS, RECORDS], 'readonly');
      [head, records] = await Promise.all([done(tx.objectStore(HEADS).get([this.prefix, name])) as Promise<Head | undefined>, done(tx.objectStore(RECORDS).getAll(this.#recordRange(name)))]);
    } catch (err) {
      throw storageFailure('LOAD_FAILED', `cannot load checkpoint ${this.describe(name)}`, err);
    }
    if (head === undefined) throw new CheckpointStorageError('NOT_FOUND', `no checkpoint ${this.describe(name)}`);
    const out = new Uint8Array(head.size);
    let at = 0;
    for (const r of records) {
      const bytes = r instanceof ArrayBuffer ? new Uint8Array(r) : undefined;
      if (!bytes || at + bytes.byteLength > head.size) break;
      out.set(bytes, at);
      at += bytes.byteLength;
    }
    if (records.length !== head.records || at !== head.size) {
      throw new CheckpointStorageError('LOAD_FAILED', `checkpoint ${this.describe(name)} is incomplete in IndexedDB: ${records.length} of ${head.records} records, ${at} of ${head.size} bytes`);
    }
    return out;
  }

  /** Removes the head and the records in one transaction; a missing name is not an error. */
  async deleteCheckpoint(name: string): Promise<void> {
    this.#checkName(name);
    try {
      const db = await this.#open();
      const tx = db.transaction([HEADS, RECORDS], 'readwrite');
      const committed = finished(tx);
      tx.objectStore(HEADS).delete([this.prefix, name]);
      tx.objectStore(RECORDS).delete(this.#recordRange(name));
      await committed;
    } catch (err) {
      throw storageFailure('DELETE_FAILED', `cannot delete checkpoint ${this.describe(name)}`, err);
    }
  }
}
