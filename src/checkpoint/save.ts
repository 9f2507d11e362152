import { CheckpointStorageError } from '../errors.js';
import type { SerializeOptions } from './options.js';
import { captureValue, packValue } from './serialize.js';
import { storeCaptured } from './store-captured.js';
import { FileSystemCheckpointStorage } from '#file-system-storage';
import { resolveCheckpointLocation, type CheckpointTarget } from './storage-schemes.js';

/**
 * Serializes `value` to `target`, all or nothing: a path (any file name; a symbolic
 * link is written through to its target), a `file://` or `s3://bucket/key` URL, or
 * `{ storage, name }`. A process killed during the save leaves the previous checkpoint
 * intact, on every storage.
 *
 * **Captured at the call**: when `save()` returns its promise, what it will write is
 * fixed — tensors as they are (a later `Variable.assign` or `dispose` does not reach
 * the file), typed arrays and ArrayBuffers copied — so the caller may go on changing
 * them at once; the promise resolves once the bytes are stored (on a local disk: synced).
 * The call itself only encodes the graph and takes a reference to each tensor (no
 * copy); the tensors' bytes are read, checksummed and written after it returns, and the
 * references are released once the write has finished or failed.
 * Inverse: {@link load}.
 * @throws what {@link serialize} throws (as a rejection), and CheckpointStorageError
 *   (`STORE_FAILED` naming the target, with Node's or the object store's error as
 *   `cause`; `BAD_TARGET`, `BAD_NAME`, `UNKNOWN_SCHEME`).
 */
export async function save(value: unknown, target: CheckpointTarget, options: SerializeOptions = {}): Promise<void> {
  const { storage, name } = resolveCheckpointLocation(target);
  await storeCaptured(storage, name, captureValue(value, options));
}

/**
 * Synchronous {@link save}, to a local file only (a path or `file://` URL): for code
 * that cannot await, such as a signal handler.
 * @throws as {@link save}; CheckpointStorageError `BAD_TARGET` for another storage.
 */
export function saveSync(value: unknown, target: string | URL, options: SerializeOptions = {}): void {
  const { storage, name } = localFile(target, 'saveSync');
  storage.storeCheckpointSync(name, packValue(value, options).chunks);
}

/** The file-system location of a path or `file://` URL; anything else is `BAD_TARGET`. */
export function localFile(target: string | URL, caller: string): { storage: FileSystemCheckpointStorage; name: string } {
  const { storage, name } = resolveCheckpointLocation(target);
  if (!(storage instanceof FileSystemCheckpointStorage)) {
    throw new CheckpointStorageError('BAD_TARGET', `${caller} reads and writes local files only, not ${String(target)}; use the asynchronous twin`);
  }
  return { storage, name };
}
