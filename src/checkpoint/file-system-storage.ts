import * as fs from '#node-fs';
import * as path from '#node-path';
import { CheckpointStorageError } from '../errors.js';
import { checkpointFileName, PLAIN_NAME } from './file-names.js';
import { writeAtomically, writeAtomicallySync, writeAtomicallyWith, writeContainer, type ContainerInput } from '../format/index.js';
import { serializable } from '../registry/index.js';
import { uninitializedBytes, type CheckpointReader, type CheckpointStorage } from './storage.js';

const DEFAULT_EXTENSION = '.reprise';
/** Names of a storage with an extension: what `CheckpointPlugin` and users choose. */

export interface FileSystemCheckpointStorageOptions {
  /** The folder; created (with its parents) on the first save, not before. */
  directory: string;
  /**
   * Appended to every name to make the file name. Default `".reprise"`: names are then
   * 1 or more of `A-Z a-z 0-9 _ . -`, not starting with `.`. With `""` a name is any file
   * name (what `save(value, "dir/any name.bin")` uses), still not starting with `.`.
   */
  extension?: string;
}

/** `ENOSPC: no space left on device`: a Node file error without the (temporary) path it names. */
export function describeFileError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && typeof e.message === 'string') return e.message.split(',')[0]!;
  return String((err as Error)?.message ?? err);
}

function isMissing(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

/**
 * Keeps each checkpoint as `<directory>/<name><extension>`, written atomically
 * (temporary file in the same folder, fsync, rename, fsync of the folder). A name that
 * is a symbolic link is written through to its target. Temporary files of writers that
 * died are removed by the next save into the folder. Every failure is a
 * `CheckpointStorageError` naming the checkpoint's path (never the temporary one), with
 * Node's error as `cause`. The directory is created on the first save, not before:
 * constructing a storage has no side effect.
 */
@serializable({ name: 'reprise.FileSystemCheckpointStorage' })
export class FileSystemCheckpointStorage implements CheckpointStorage {
  readonly directory: string;
  readonly extension: string;

  constructor(options: FileSystemCheckpointStorageOptions) {
    if (typeof options?.directory !== 'string' || options.directory === '') {
      throw new CheckpointStorageError('BAD_OPTIONS', 'FileSystemCheckpointStorage needs { directory: "<path>" }');
    }
    const extension = options.extension ?? DEFAULT_EXTENSION;
    if (typeof extension !== 'string' || extension.includes('/') || extension.includes('\0')) {
      throw new CheckpointStorageError('BAD_OPTIONS', `extension must be a string without "/", got ${JSON.stringify(extension)}`);
    }
    this.directory = path.resolve(options.directory);
    this.extension = extension;
  }

  /**
   * The file a checkpoint name is stored in.
   * @throws CheckpointStorageError `BAD_NAME` for a name that is not one file name in
   *   the folder (see the `extension` option), or longer than 255 bytes with it.
   */
  pathOf(name: string): string {
    return path.join(this.directory, checkpointFileName(name, this.extension));
  }

  describe(name: string): string {
    return path.join(this.directory, name + this.extension);
  }

  async listCheckpoints(): Promise<string[]> {
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(this.directory, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new CheckpointStorageError('LIST_FAILED', `cannot list checkpoints in ${this.directory}: ${describeFileError(err)}`, { cause: err });
    }
    const ext = this.extension;
    return entries
      .filter((e) => !e.isDirectory() && e.name.endsWith(ext) && e.name.length > ext.length && !e.name.startsWith('.'))
      .map((e) => e.name.slice(0, e.name.length - ext.length))
      .filter((n) => ext === '' || PLAIN_NAME.test(n));
  }

  async checkpointExists(name: string): Promise<boolean> {
    const file = this.pathOf(name);
    try {
      return (await fs.promises.stat(file)).isFile();
    } catch (err) {
      if (isMissing(err)) return false;
      throw new CheckpointStorageError('LOAD_FAILED', `cannot look up checkpoint ${file}: ${describeFileError(err)}`, { cause: err });
    }
  }

  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const target = this.pathOf(name);
    try {
      await fs.promises.mkdir(this.directory, { recursive: true });
      await writeAtomically(target, chunks);
    } catch (err) {
      throw storeFailed(target, err);
    }
  }

  /**
   * {@link storeCheckpoint} of a container laid out but not yet read: each section is
   * written straight from its bytes (a captured tensor's read when it is reached) while
   * the next one is checksummed, the header last, in front; the same bytes, as
   * atomically. What `save` uses for a local file.
   */
  async storeContainer(name: string, container: ContainerInput): Promise<void> {
    const target = this.pathOf(name);
    try {
      await fs.promises.mkdir(this.directory, { recursive: true });
      await writeAtomicallyWith(target, async (sink) => {
        await writeContainer(container, sink);
      });
    } catch (err) {
      throw storeFailed(target, err);
    }
  }

  /** Synchronous {@link storeCheckpoint}, for `saveSync`. */
  storeCheckpointSync(name: string, chunks: readonly Uint8Array[]): void {
    const target = this.pathOf(name);
    try {
      fs.mkdirSync(this.directory, { recursive: true });
      writeAtomicallySync(target, chunks);
    } catch (err) {
      throw storeFailed(target, err);
    }
  }

  async openReader(name: string): Promise<CheckpointReader> {
    const file = this.pathOf(name);
    let handle: fs.promises.FileHandle;
    let size: number;
    try {
      handle = await fs.promises.open(file, 'r');
    } catch (err) {
      throw loadFailed(file, err);
    }
    try {
      const stat = await handle.stat();
      if (!stat.isFile()) throw Object.assign(new Error('EISDIR: not a regular file'), { code: 'EISDIR' });
      size = stat.size;
    } catch (err) {
      await handle.close();
      throw loadFailed(file, err);
    }
    let closed = false;
    return {
      size,
      async read(target: Uint8Array, position: number): Promise<void> {
        let done = 0;
        try {
          while (done < target.byteLength) {
            const { bytesRead } = await handle.read(target, done, target.byteLength - done, position + done);
            if (bytesRead === 0) throw Object.assign(new Error(`EOF: the file ended at byte ${position + done}, ${target.byteLength - done} bytes short (it changed while being read)`), { code: 'EOF' });
            done += bytesRead;
          }
        } catch (err) {
          throw loadFailed(file, err);
        }
      },
      async close(): Promise<void> {
        if (closed) return;
        closed = true;
        await handle.close();
      },
    };
  }

  /** The whole file in one buffer sized from its length, read asynchronously. */
  async loadCheckpoint(name: string): Promise<Uint8Array> {
    const reader = await this.openReader(name);
    try {
      const bytes = uninitializedBytes(reader.size);
      await reader.read(bytes, 0);
      return bytes;
    } finally {
      await reader.close();
    }
  }

  /** Synchronous {@link loadCheckpoint}, for `loadSync`. */
  loadCheckpointSync(name: string): Uint8Array {
    const file = this.pathOf(name);
    try {
      return fs.readFileSync(file);
    } catch (err) {
      throw loadFailed(file, err);
    }
  }

  async deleteCheckpoint(name: string): Promise<void> {
    const file = this.pathOf(name);
    try {
      await fs.promises.rm(file, { force: true });
    } catch (err) {
      throw new CheckpointStorageError('DELETE_FAILED', `cannot delete checkpoint ${file}: ${describeFileError(err)}`, { cause: err });
    }
  }
}

function storeFailed(target: string, err: unknown): CheckpointStorageError {
  return new CheckpointStorageError('STORE_FAILED', `cannot store checkpoint ${target}: ${describeFileError(err)}; the previous checkpoint there is untouched`, { cause: err });
}

function loadFailed(file: string, err: unknown): CheckpointStorageError {
  if (isMissing(err)) return new CheckpointStorageError('NOT_FOUND', `no checkpoint at ${file}`, { cause: err });
  return new CheckpointStorageError('LOAD_FAILED', `cannot read checkpoint ${file}: ${describeFileError(err)}`, { cause: err });
}
