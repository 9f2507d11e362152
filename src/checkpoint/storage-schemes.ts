import * as path from '#node-path';
import { fileURLToPath } from '#node-url';
import { CheckpointStorageError } from '../errors.js';
import { FileSystemCheckpointStorage } from '#file-system-storage';
import { IndexedDBCheckpointStorage } from './indexeddb-storage.js';
import { OPFSCheckpointStorage } from './opfs-storage.js';
import { S3CheckpointStorage } from '#s3-storage';
import type { CheckpointLocation, CheckpointStorage } from './storage.js';

/**
 * Makes the storage for a folder-like URL of a scheme (`s3://bucket/prefix/`). `url`
 * always ends with `/`; `extension` is appended to every checkpoint name: `".reprise"`
 * for a storage that holds a run's checkpoints, `""` for one named file or object.
 */
export type StorageSchemeFactory = (url: URL, options: { extension: string }) => CheckpointStorage;

/** Where a run's checkpoints live: a folder path, a `file://` or `s3://` URL, or a storage. */
export type StorageTarget = string | URL | CheckpointStorage;
/** One checkpoint: a file path, a `file://` or `s3://` URL of one object, or a storage and a name. */
export type CheckpointTarget = string | URL | CheckpointLocation;

const schemes = new Map<string, StorageSchemeFactory>();
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]+):\/\//;

/**
 * Lets every target string of `scheme` (`"gs"` for `gs://…`, without the colon) name a
 * storage made by `factory`, as `file` and `s3` are; a later registration of the same
 * scheme replaces the earlier one. In the spirit of tfjs's `tf.io` routers.
 * @throws CheckpointStorageError `BAD_OPTIONS` for a malformed scheme.
 * @example
 * ```ts
 * registerStorageScheme('mem', () => sharedMemoryStorage);
 * new CheckpointPlugin('mem://run1');
 * ```
 */
export function registerStorageScheme(scheme: string, factory: StorageSchemeFactory): void {
  if (typeof scheme !== 'string' || !/^[A-Za-z][A-Za-z0-9+.-]+$/.test(scheme) || typeof factory !== 'function') {
    throw new CheckpointStorageError('BAD_OPTIONS', `registerStorageScheme needs a scheme like "s3" (letters, digits, + . -) and a factory, got ${JSON.stringify(scheme)}`);
  }
  schemes.set(scheme.toLowerCase(), factory);
}

/** The schemes registered, sorted. */
export function registeredStorageSchemes(): string[] {
  return [...schemes.keys()].sort();
}

registerStorageScheme('file', (url, { extension }) => new FileSystemCheckpointStorage({ directory: fileURLToPath(url), extension }));
registerStorageScheme('s3', (url, { extension }) => S3CheckpointStorage.fromUrl(url, { extension }));
// Names are stored as given (no extension): IndexedDB keys are not files.
registerStorageScheme('indexeddb', (url) => IndexedDBCheckpointStorage.fromUrl(url));
// Files, as file:// — a run's folder holds <name>.reprise, a single checkpoint is named by its file.
registerStorageScheme('opfs', (url, { extension }) => OPFSCheckpointStorage.fromUrl(url, { extension }));

function isStorage(value: unknown): value is CheckpointStorage {
  const s = value as CheckpointStorage;
  return typeof s === 'object' && s !== null && typeof s.storeCheckpoint === 'function' && typeof s.loadCheckpoint === 'function' && typeof s.listCheckpoints === 'function';
}

function asUrl(target: string | URL): URL | undefined {
  if (target instanceof URL) return target;
  if (!SCHEME.test(target)) return undefined;
  try {
    return new URL(target);
  } catch (err) {
    throw new CheckpointStorageError('BAD_TARGET', `${JSON.stringify(target)} is not a valid URL: ${(err as Error).message}`, { cause: err });
  }
}

function factoryFor(url: URL): StorageSchemeFactory {
  const scheme = url.protocol.slice(0, -1).toLowerCase();
  const factory = schemes.get(scheme);
  if (!factory) {
    throw new CheckpointStorageError(
      'UNKNOWN_SCHEME',
      `no checkpoint storage is registered for "${scheme}://" (registered: ${registeredStorageSchemes().join(', ')}); register one with registerStorageScheme("${scheme}", …) or pass a CheckpointStorage`,
    );
  }
  return factory;
}

/**
 * The storage that `target` names, for a run's checkpoints (`CheckpointPlugin`): a
 * storage is returned as it is; a path is a folder of `<name>.reprise` files; a URL is
 * resolved by its scheme (`file://`, `s3://bucket/prefix`, or one registered with
 * {@link registerStorageScheme}), as a folder.
 * @throws CheckpointStorageError `UNKNOWN_SCHEME`, `BAD_TARGET`.
 */
export function resolveStorage(target: StorageTarget): CheckpointStorage {
  if (isStorage(target)) return target;
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw new CheckpointStorageError('BAD_TARGET', `a checkpoint storage target must be a path, a URL or a CheckpointStorage, got ${describeValue(target)}`);
  }
  if (target === '') throw new CheckpointStorageError('BAD_TARGET', 'the checkpoint folder is an empty string');
  const url = asUrl(target);
  if (!url) return new FileSystemCheckpointStorage({ directory: target as string });
  const folder = new URL(url.href.endsWith('/') ? url.href : url.href + '/');
  return factoryFor(url)(folder, { extension: '.reprise' });
}

/**
 * The storage and name of the single checkpoint `target` names (`save`, `load`,
 * `saveCheckpoint`, `maybeLoadCheckpoint`): a path names a file (any name, written
 * through symbolic links), a URL names one object by its last segment (`s3://b/run/5.reprise`),
 * and `{ storage, name }` is taken as it is.
 * @throws CheckpointStorageError `BAD_TARGET` for a target that names a folder (ends
 *   with `/`) or is not a path, URL or location; `UNKNOWN_SCHEME`.
 */
export function resolveCheckpointLocation(target: CheckpointTarget): CheckpointLocation {
  if (typeof target === 'object' && target !== null && !(target instanceof URL)) {
    if (isStorage(target.storage) && typeof target.name === 'string') return target;
    throw new CheckpointStorageError('BAD_TARGET', `a checkpoint location must be { storage: CheckpointStorage, name: string }, got ${describeValue(target)}`);
  }
  if (typeof target !== 'string' && !(target instanceof URL)) {
    throw new CheckpointStorageError('BAD_TARGET', `a checkpoint target must be a path, a URL or { storage, name }, got ${describeValue(target)}`);
  }
  const url = asUrl(target);
  if (!url) {
    const file = target as string;
    if (file === '' || file.endsWith('/') || file.endsWith(path.sep) || path.basename(file) === '.' || path.basename(file) === '..') {
      throw new CheckpointStorageError('BAD_TARGET', `checkpoint path ${JSON.stringify(file)} names a folder, not a file`);
    }
    return { storage: new FileSystemCheckpointStorage({ directory: path.dirname(file), extension: '' }), name: path.basename(file) };
  }
  const slash = url.pathname.lastIndexOf('/');
  const name = decodeURIComponent(url.pathname.slice(slash + 1));
  if (name === '') throw new CheckpointStorageError('BAD_TARGET', `checkpoint URL ${url.href} names a folder (it ends with "/"), not one checkpoint`);
  const folder = new URL(url.href);
  folder.pathname = url.pathname.slice(0, slash + 1);
  folder.hash = '';
  return { storage: factoryFor(url)(folder, { extension: '' }), name };
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (typeof v === 'object') return (Object.getPrototypeOf(v) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'object';
  return typeof v;
}
