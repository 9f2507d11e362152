/**
 * Where run checkpoints live. Implement these four (five) methods to keep checkpoints
 * anywhere: a folder, an object store, a database. Names are short strings chosen by
 * the caller (`CheckpointPlugin` uses the number of trained experiences: `"0"`, `"1"`, …).
 *
 * Contract: `storeCheckpoint` is all or nothing — after a crash at any instant a name
 * holds either its previous bytes or the new ones, and `listCheckpoints` never shows a
 * half-written one. `loadCheckpoint` of a name not listed rejects with
 * `CheckpointStorageError` code `NOT_FOUND`.
 */
export interface CheckpointStorage {
  /** Names of the stored checkpoints, in any order. */
  listCheckpoints(): Promise<string[]>;
  checkpointExists(name: string): Promise<boolean>;
  /** Stores the concatenation of `chunks` under `name`, atomically (see above). */
  storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void>;
  /** The bytes stored under `name`. */
  loadCheckpoint(name: string): Promise<Uint8Array>;
  /** Removes `name`; used to keep only the last N. Optional. */
  deleteCheckpoint?(name: string): Promise<void>;
}
