import { CheckpointError, CheckpointStorageError } from '../errors.js';
import { allocOwnBytes } from '../platform.js';
/**
 * Random access to one stored checkpoint, for loaders that read sections straight into
 * their final place instead of reading the whole object first. `read` fills all of
 * `target` with the bytes at `position` (it never returns fewer) and rejects with
 * `CheckpointStorageError` when they cannot be read. The format layer's `ByteSource`
 * is the same shape without `close`.
 */
export interface CheckpointReader {
  /** Size of the stored checkpoint in bytes. */
  readonly size: number;
  read(target: Uint8Array, position: number): Promise<void>;
  /** Releases the file handle or connection. Idempotent. */
  close(): Promise<void>;
}

/**
 * Where checkpoints live: a folder, an object store, memory, or anything that
 * implements these methods. Every save and load of reprise — `save`, `load`,
 * `saveCheckpoint`, `maybeLoadCheckpoint`, `CheckpointPlugin` — goes through one. Names
 * are short strings chosen by the caller (`CheckpointPlugin` uses the number of trained
 * experiences: `"1"`, `"2"`, …); each storage says which it accepts.
 *
 * Contract (tested for every storage by test/checkpoint/storage-contract.test.ts):
 * - `storeCheckpoint` is all or nothing: after a failure or a crash at any instant a
 *   name holds either its previous bytes or the new ones, and no reader ever sees a mix.
 *   The chunks are the storage's to read until the promise settles; the caller does not
 *   change them (save() hands over bytes it captured at the call).
 * - `loadCheckpoint` and `openReader` of a name that is not stored reject with
 *   `CheckpointStorageError` code `NOT_FOUND` — the one way a checkpoint is missing.
 * - every other failure is a `CheckpointStorageError` (`STORE_FAILED`, `LOAD_FAILED`,
 *   `LIST_FAILED`, `DELETE_FAILED`, `BAD_NAME`) naming the user's location, with the
 *   original error as `cause`.
 * - `listCheckpoints` lists names stored by this storage's rules, and nothing else
 *   (no temporary files, no other objects).
 */
export interface CheckpointStorage {
  /** Names of the stored checkpoints, in any order. */
  listCheckpoints(): Promise<string[]>;
  checkpointExists(name: string): Promise<boolean>;
  /** Stores the concatenation of `chunks` under `name`, atomically (see above). */
  storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void>;
  /** The bytes stored under `name`, in one buffer. */
  loadCheckpoint(name: string): Promise<Uint8Array>;
  /** Removes `name`; a missing name is not an error. Used by `keepLast`. Optional. */
  deleteCheckpoint?(name: string): Promise<void>;
  /**
   * Random access to the bytes stored under `name`. Optional: when present, every load
   * (`load`, `maybeLoadCheckpoint`, `CheckpointPlugin`) reads through it, section by
   * section straight into the memory each tensor keeps (the file's bytes are held once,
   * plus a bounded read buffer), and pruning reads only headers; without it, a load
   * decodes the one buffer `loadCheckpoint` gives.
   */
  openReader?(name: string): Promise<CheckpointReader>;
  /** Where `name` lives, for messages: a path or URL. Optional; default `"name"`. */
  describe?(name: string): string;
}

/** A single checkpoint: a storage and a name in it. What `save`/`load` targets resolve to. */
export interface CheckpointLocation {
  storage: CheckpointStorage;
  name: string;
}

/** Where `name` lives in `storage`, for messages. */
export function describeLocation(storage: CheckpointStorage, name: string): string {
  return storage.describe ? storage.describe(name) : JSON.stringify(name);
}

/**
 * A buffer of `size` bytes that is not zeroed first, as a plain `Uint8Array` of its own
 * ArrayBuffer (not Node's shared pool), for reads that fill every byte: callers check
 * that they did before anyone sees it.
 */
export function uninitializedBytes(size: number): Uint8Array {
  return allocOwnBytes(size);
}

/**
 * The error a storage throws when the platform's storage API fails: `err` as it is when
 * it is already a `CheckpointError`, else a `CheckpointStorageError` of `code` whose
 * message is `message` and the original's, with the original as `cause`. Shared by the
 * browser storages (IndexedDB, OPFS).
 */
export function storageFailure(code: 'LIST_FAILED' | 'LOAD_FAILED' | 'STORE_FAILED' | 'DELETE_FAILED', message: string, err: unknown): CheckpointError {
  if (err instanceof CheckpointError) return err;
  const reason = (err as { message?: string } | undefined)?.message ?? String(err);
  return new CheckpointStorageError(code, `${message}: ${reason}`, { cause: err });
}
