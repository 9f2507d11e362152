import { writeAtomically, writeAtomicallySync } from '../format/index.js';
import type { SerializeOptions } from './options.js';
import { packValue } from './serialize.js';

/**
 * Serializes `value` to the file `path`, atomically: a process killed during the save
 * leaves the previous file intact. Section bytes go to the file with `writev`, without
 * being concatenated first. Inverse: {@link load}. Throws what {@link serialize} throws,
 * and Node's file errors.
 */
export async function save(value: unknown, path: string, options: SerializeOptions = {}): Promise<void> {
  await writeAtomically(path, packValue(value, options).chunks);
}

/** Synchronous {@link save}. */
export function saveSync(value: unknown, path: string, options: SerializeOptions = {}): void {
  writeAtomicallySync(path, packValue(value, options).chunks);
}
