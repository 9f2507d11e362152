import { openContainer } from '../format/index.js';
import type { DeserializeOptions } from './options.js';
import { decodeContainer } from './deserialize.js';
import { decodeStored } from './read-checkpoint.js';
import { localFile } from './save.js';
import { resolveCheckpointLocation, type CheckpointTarget } from './storage-schemes.js';

/**
 * Reads the checkpoint at `target` (a path, a `file://` or `s3://` URL, or
 * `{ storage, name }`) and rebuilds its value. Reading is asynchronous. From a storage
 * with `openReader` (the file system, S3: ranged GETs), sections are read one by one
 * straight into the memory their tensors keep (see `decodeFromSource`), so a load holds
 * the file's bytes once; from others (memory), the bytes `loadCheckpoint` gives are
 * viewed in place. Inverse: {@link save}.
 *
 * Missing checkpoint: rejects with CheckpointStorageError `NOT_FOUND` — the one
 * behaviour of every function that must load; only `maybeLoadCheckpoint` and
 * `CheckpointPlugin.loadCheckpointIfExists` turn `NOT_FOUND` into "nothing to resume".
 * @throws what {@link deserialize} throws; CheckpointStorageError `NOT_FOUND`,
 *   `LOAD_FAILED` (with the storage's error as `cause`), `BAD_TARGET`, `UNKNOWN_SCHEME`.
 */
export async function load(target: CheckpointTarget, options: DeserializeOptions = {}): Promise<unknown> {
  const { storage, name } = resolveCheckpointLocation(target);
  return (await decodeStored(storage, name, options)).value;
}

/**
 * Synchronous {@link load}, from a local file only (a path or `file://` URL); same
 * missing-file behaviour (`NOT_FOUND`).
 */
export function loadSync(target: string | URL, options: DeserializeOptions = {}): unknown {
  const { storage, name } = localFile(target, 'loadSync');
  return decodeContainer(openContainer(storage.loadCheckpointSync(name), { verifyChecksums: options.verifyChecksums }), options).value;
}
