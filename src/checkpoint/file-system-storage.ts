import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointStorageError } from '../errors.js';
import { writeAtomically } from '../format/index.js';
import { serializable } from '../registry/index.js';
import type { CheckpointStorage } from './storage.js';

const EXTENSION = '.reprise';
const NAME = /^[A-Za-z0-9_.-]{1,200}$/;

/**
 * Keeps each checkpoint as `<directory>/<name>.reprise`, written atomically (temporary
 * file, fsync, rename). Do not point two runs at one directory. The directory is
 * created on the first save, not before: constructing a storage has no side effect.
 */
@serializable({ name: 'reprise.FileSystemCheckpointStorage' })
export class FileSystemCheckpointStorage implements CheckpointStorage {
  readonly directory: string;

  constructor(options: { directory: string }) {
    if (typeof options?.directory !== 'string' || options.directory === '') {
      throw new CheckpointStorageError('BAD_OPTIONS', 'FileSystemCheckpointStorage needs { directory: "<path>" }');
    }
    this.directory = path.resolve(options.directory);
  }

  /** The file a checkpoint name is stored in. */
  pathOf(name: string): string {
    if (!NAME.test(name) || name.startsWith('.')) {
      throw new CheckpointStorageError('BAD_NAME', `checkpoint name ${JSON.stringify(name)} must be 1-200 of A-Z a-z 0-9 _ . - and not start with "."`);
    }
    return path.join(this.directory, name + EXTENSION);
  }

  async listCheckpoints(): Promise<string[]> {
    let entries: string[];
    try {
      entries = await fs.promises.readdir(this.directory);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CheckpointStorageError('LIST_FAILED', `cannot list checkpoints in ${this.directory}: ${(err as Error).message}`, { cause: err });
    }
    return entries.filter((e) => e.endsWith(EXTENSION) && !e.startsWith('.')).map((e) => e.slice(0, -EXTENSION.length));
  }

  async checkpointExists(name: string): Promise<boolean> {
    try {
      await fs.promises.access(this.pathOf(name));
      return true;
    } catch {
      return false;
    }
  }

  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const target = this.pathOf(name);
    try {
      await fs.promises.mkdir(this.directory, { recursive: true });
      await writeAtomically(target, chunks);
    } catch (err) {
      throw new CheckpointStorageError('STORE_FAILED', `cannot store checkpoint "${name}" at ${target}: ${(err as Error).message}; the previous checkpoints are untouched`, { cause: err });
    }
  }

  async loadCheckpoint(name: string): Promise<Uint8Array> {
    const file = this.pathOf(name);
    try {
      return fs.readFileSync(file); // see load(): faster than fs.promises for large files
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'NOT_FOUND' : 'LOAD_FAILED';
      throw new CheckpointStorageError(code, `cannot read checkpoint "${name}" from ${file}: ${(err as Error).message}`, { cause: err });
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    await fs.promises.rm(this.pathOf(name), { force: true });
  }
}
