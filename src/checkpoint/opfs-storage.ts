import { CheckpointError, CheckpointStorageError } from '../errors.js';
import { checkpointFileName, PLAIN_NAME } from './file-names.js';
import { storageFailure, type CheckpointReader, type CheckpointStorage } from './storage.js';

// The few Origin Private File System shapes used here (the project compiles without the DOM library).
interface OPFSWritable {
  write(data: Uint8Array): Promise<void>;
  close(): Promise<void>;
  abort(reason?: unknown): Promise<void>;
}
interface OPFSFile {
  readonly size: number;
  readonly lastModified: number;
  slice(start: number, end: number): { arrayBuffer(): Promise<ArrayBuffer> };
}
export interface OPFSFileHandle {
  readonly kind: 'file';
  getFile(): Promise<OPFSFile>;
  createWritable(options?: { keepExistingData?: boolean }): Promise<OPFSWritable>;
  move(directory: OPFSDirectoryHandle, name: string): Promise<void>;
}
export interface OPFSDirectoryHandle {
  readonly kind: 'directory';
  getDirectoryHandle(name: string, options?: { create?: boolean }): Promise<OPFSDirectoryHandle>;
  getFileHandle(name: string, options?: { create?: boolean }): Promise<OPFSFileHandle>;
  removeEntry(name: string): Promise<void>;
  values(): AsyncIterable<{ readonly kind: 'file' | 'directory'; readonly name: string }>;
}

export interface OPFSCheckpointStorageOptions {
  /** A folder under the origin's private root, `/`-separated (`"runs/mnist"`); created on the first save. Default `""`: the root. */
  directory?: string;
  /**
   * Appended to every name to make the file name. Default `".reprise"`: names are then
   * 1 or more of `A-Z a-z 0-9 _ . -`, not starting with `.`. With `""` a name is any file
   * name without `/`, not starting with `.` (what `save(value, "opfs://dir/any name")` uses).
   */
  extension?: string;
  /** The private root to use; default `navigator.storage.getDirectory()` (tests pass a fake). */
  root?: () => Promise<OPFSDirectoryHandle>;
}

const DEFAULT_EXTENSION = '.reprise';
const TEMPORARY = /^\..+\.[0-9a-f]{16}\.tmp$/;

function missing(err: unknown): boolean {
  const name = (err as { name?: string } | undefined)?.name;
  return name === 'NotFoundError' || name === 'TypeMismatchError';
}

/**
 * Keeps checkpoints as files of the browser's Origin Private File System
 * (`opfs://folder/sub`): for large checkpoints in a page or a web worker. A checkpoint is
 * written to a hidden temporary file in the same folder (`.<file>.<random>.tmp`), which
 * `move()` then puts in place of the previous one, so a name holds its previous bytes
 * or the new ones, never a part; a failed write is aborted and its temporary file
 * removed. `openReader` reads byte ranges (`File.slice`), so `load` fills one buffer
 * without a second copy.
 *
 * A tab closed in the middle of a save can leave a hidden temporary file behind; it is
 * never listed, and the next save into the folder removes those older than a day.
 *
 * Measured against {@link IndexedDBCheckpointStorage} (bench/browser-storage.ts, headless
 * Chromium): loads several times faster, and stores checkpoints of 512 MiB and more,
 * which Chromium refuses in the one IndexedDB transaction a checkpoint is written in;
 * see the README.
 */
export class OPFSCheckpointStorage implements CheckpointStorage {
  readonly directory: string;
  readonly extension: string;
  readonly #segments: string[];
  readonly #root: (() => Promise<OPFSDirectoryHandle>) | undefined;

  constructor(options: OPFSCheckpointStorageOptions = {}) {
    const directory = options.directory ?? '';
    const extension = options.extension ?? DEFAULT_EXTENSION;
    if (typeof directory !== 'string') {
      throw new CheckpointStorageError('BAD_OPTIONS', `OPFSCheckpointStorage: directory must be a string, got ${typeof directory}`, { path: 'directory' });
    }
    const segments = directory.split('/').filter((s) => s !== '');
    if (segments.some((s) => s === '.' || s === '..' || s.includes('\\') || s.includes('\0'))) {
      throw new CheckpointStorageError('BAD_OPTIONS', `OPFSCheckpointStorage: directory ${JSON.stringify(directory)} must be "/"-separated folder names, without "." or ".."`, { path: 'directory' });
    }
    if (typeof extension !== 'string' || /[/\\\0]/.test(extension)) {
      throw new CheckpointStorageError('BAD_OPTIONS', `OPFSCheckpointStorage: extension must be a string without "/", got ${JSON.stringify(extension)}`, { path: 'extension' });
    }
    this.#segments = segments;
    this.directory = segments.join('/');
    this.extension = extension;
    this.#root = options.root;
  }

  /** The storage for `opfs://folder/sub/` (the host is the first folder). */
  static fromUrl(url: URL, options: Omit<OPFSCheckpointStorageOptions, 'directory'> = {}): OPFSCheckpointStorage {
    const directory = decodeURIComponent(url.host) + '/' + decodeURIComponent(url.pathname);
    return new OPFSCheckpointStorage({ ...options, directory });
  }

  describe(name: string): string {
    return `opfs://${this.directory}${this.directory ? '/' : ''}${name}${this.extension}`;
  }

  /**
   * The file name of a checkpoint name.
   * @throws CheckpointStorageError `BAD_NAME` for a name that is not one file name in the
   *   folder (see the `extension` option), or longer than 255 bytes with it.
   */
  fileOf(name: string): string {
    return checkpointFileName(name, this.extension);
  }

  async #folder(create: boolean): Promise<OPFSDirectoryHandle> {
    const storage = (globalThis as { navigator?: { storage?: { getDirectory?: () => Promise<OPFSDirectoryHandle> } } }).navigator?.storage;
    const getRoot = this.#root ?? (typeof storage?.getDirectory === 'function' ? () => storage.getDirectory!() : undefined);
    if (!getRoot) {
      throw new CheckpointError(
        'UNSUPPORTED_PLATFORM',
        'no Origin Private File System here (navigator.storage.getDirectory: browsers and workers have it on secure origins); use IndexedDB or another storage',
      );
    }
    let dir = await getRoot();
    for (const s of this.#segments) dir = await dir.getDirectoryHandle(s, { create });
    return dir;
  }

  async listCheckpoints(): Promise<string[]> {
    let dir: OPFSDirectoryHandle;
    try {
      dir = await this.#folder(false);
    } catch (err) {
      if (missing(err)) return [];
      throw storageFailure('LIST_FAILED', `cannot list checkpoints in opfs://${this.directory}/`, err);
    }
    const ext = this.extension;
    const names: string[] = [];
    try {
      for await (const { kind, name: file } of dir.values()) {
        // Files named by this storage's rules: not folders, hidden temporary files, or
        // another extension (a write in progress shows "<file>.crswap" beside its file).
        if (kind !== 'file' || file.startsWith('.') || !file.endsWith(ext) || file.length === ext.length) continue;
        const name = file.slice(0, file.length - ext.length);
        if (ext === '' || PLAIN_NAME.test(name)) names.push(name);
      }
    } catch (err) {
      throw storageFailure('LIST_FAILED', `cannot list checkpoints in opfs://${this.directory}/`, err);
    }
    return names;
  }

  async checkpointExists(name: string): Promise<boolean> {
    const file = this.fileOf(name);
    try {
      await (await this.#folder(false)).getFileHandle(file);
      return true;
    } catch (err) {
      if (missing(err)) return false;
      throw storageFailure('LOAD_FAILED', `cannot look up checkpoint ${this.describe(name)}`, err);
    }
  }

  /** Writes a hidden temporary file in the folder, then moves it over `name`'s file. */
  async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    const file = this.fileOf(name);
    let dir: OPFSDirectoryHandle | undefined;
    let temporary: string | undefined;
    try {
      dir = await this.#folder(true);
      await removeStaleTemporaryFiles(dir);
      const random = crypto.getRandomValues(new Uint8Array(8));
      temporary = `.${file}.${Array.from(random, (b) => b.toString(16).padStart(2, '0')).join('')}.tmp`;
      const handle = await dir.getFileHandle(temporary, { create: true });
      const writable = await handle.createWritable();
      try {
        for (const chunk of chunks) await writable.write(chunk);
      } catch (err) {
        await writable.abort(err).catch(() => undefined);
        throw err;
      }
      await writable.close();
      await handle.move(dir, file);
      temporary = undefined;
    } catch (err) {
      if (dir && temporary) await dir.removeEntry(temporary).catch(() => undefined);
      throw storageFailure('STORE_FAILED', `cannot store checkpoint ${this.describe(name)}; the previous checkpoint there is untouched`, err);
    }
  }

  async openReader(name: string): Promise<CheckpointReader> {
    const file = this.fileOf(name);
    let blob: OPFSFile;
    try {
      blob = await (await (await this.#folder(false)).getFileHandle(file)).getFile();
    } catch (err) {
      if (missing(err)) throw new CheckpointStorageError('NOT_FOUND', `no checkpoint ${this.describe(name)}`, { cause: err });
      throw storageFailure('LOAD_FAILED', `cannot read checkpoint ${this.describe(name)}`, err);
    }
    const where = this.describe(name);
    return {
      size: blob.size,
      async read(target: Uint8Array, position: number): Promise<void> {
        try {
          const bytes = await blob.slice(position, position + target.byteLength).arrayBuffer();
          if (bytes.byteLength !== target.byteLength) {
            throw new Error(`the file ended at byte ${position + bytes.byteLength}, ${target.byteLength - bytes.byteLength} bytes short`);
          }
          target.set(new Uint8Array(bytes));
        } catch (err) {
          // A File read after the file was replaced fails (NotReadableError): the bytes it named are gone.
          throw storageFailure('LOAD_FAILED', `cannot read checkpoint ${where}`, err);
        }
      },
      async close(): Promise<void> {},
    };
  }

  /** The whole file in one buffer (`File.arrayBuffer`, one copy). */
  async loadCheckpoint(name: string): Promise<Uint8Array> {
    const reader = await this.openReader(name);
    const bytes = new Uint8Array(reader.size);
    await reader.read(bytes, 0);
    return bytes;
  }

  async deleteCheckpoint(name: string): Promise<void> {
    const file = this.fileOf(name);
    try {
      await (await this.#folder(false)).removeEntry(file);
    } catch (err) {
      if (missing(err)) return;
      throw storageFailure('DELETE_FAILED', `cannot delete checkpoint ${this.describe(name)}`, err);
    }
  }
}

const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

/** Temporary files of saves that a closed tab left behind, older than a day (a running save's file is newer). */
async function removeStaleTemporaryFiles(dir: OPFSDirectoryHandle): Promise<void> {
  const stale: string[] = [];
  for await (const { kind, name: file } of dir.values()) {
    if (kind !== 'file' || !TEMPORARY.test(file)) continue;
    const modified = await dir.getFileHandle(file).then((h) => h.getFile()).then((f) => f.lastModified, () => undefined);
    if (modified !== undefined && Date.now() - modified > STALE_AFTER_MS) stale.push(file);
  }
  for (const file of stale) await dir.removeEntry(file).catch(() => undefined);
}
