import { CheckpointStorageError } from '../errors.js';
import { concatChunks } from '../format/index.js';
import type { CheckpointStorage } from './storage.js';

/**
 * Keeps checkpoints in memory: for tests, and as the smallest example of the
 * `CheckpointStorage` contract. Not registered for serialization (it would store itself).
 */
export class MemoryCheckpointStorage implements CheckpointStorage {
  readonly entries = new Map<string, Uint8Array>();

  async listCheckpoints(): Promise<string[]> {
    return [...this.entries.keys()];
  }

  async checkpointExists(name: string): Promise<boolean> {
    return this.entries.has(name);
  }

  /** Copies the chunks into one buffer, then replaces the entry: a failure part way leaves the previous bytes. */
  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    let bytes: Uint8Array;
    try {
      const byteLength = chunks.reduce((n, c) => n + c.byteLength, 0);
      bytes = concatChunks({ chunks: [...chunks], byteLength });
    } catch (err) {
      throw new CheckpointStorageError('STORE_FAILED', `cannot store checkpoint ${this.describe(name)}: ${(err as Error)?.message ?? err}; the previous checkpoint there is untouched`, { cause: err });
    }
    this.entries.set(name, bytes);
  }

  async loadCheckpoint(name: string): Promise<Uint8Array> {
    const bytes = this.entries.get(name);
    if (!bytes) throw new CheckpointStorageError('NOT_FOUND', `no checkpoint named "${name}" (have: ${[...this.entries.keys()].join(', ') || 'none'})`);
    return bytes;
  }

  describe(name: string): string {
    return `memory:${JSON.stringify(name)}`;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    this.entries.delete(name);
  }
}
