import { CheckpointStorageError } from '../errors.js';

/** A checkpoint name a storage with an extension accepts (and lists). */
export const PLAIN_NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
/** The longest file name (in bytes) of the usual file systems, and of OPFS. */
export const NAME_MAX_BYTES = 255;

/**
 * The file name of checkpoint `name` in a storage that keeps one file per checkpoint
 * (the file system, OPFS): `name` + `extension`.
 * @throws CheckpointStorageError `BAD_NAME` for a name that is not one file name in the
 *   folder (with an extension: only A-Z a-z 0-9 _ . -), starts with ".", or is longer
 *   than 255 bytes with its extension.
 */
export function checkpointFileName(name: string, extension: string): string {
  const file = name + extension;
  const valid =
    typeof name === 'string' &&
    name !== '' &&
    !name.startsWith('.') &&
    !/[/\\\0]/.test(name) &&
    (extension === '' || PLAIN_NAME.test(name)) &&
    new TextEncoder().encode(file).byteLength <= NAME_MAX_BYTES;
  if (!valid) {
    const rule = extension === '' ? 'one file name' : 'made of A-Z a-z 0-9 _ . -';
    throw new CheckpointStorageError(
      'BAD_NAME',
      `checkpoint name ${JSON.stringify(name)} must be ${rule}, not start with "." and be at most ${NAME_MAX_BYTES} bytes with "${extension}"`,
    );
  }
  return file;
}
