import * as fs from 'node:fs';
import { FileByteSource, openContainer } from '../format/index.js';
import type { DeserializeOptions } from './options.js';
import { decodeContainer, decodeFromSource } from './deserialize.js';

/**
 * Reads a checkpoint written by {@link save} and rebuilds its value. Sections are read
 * one by one straight into the memory their tensors keep (see `decodeFromSource`), so a
 * load holds the file's bytes once. Throws what {@link deserialize} throws, and Node's
 * file errors (`ENOENT` for a missing file).
 */
export async function load(path: string, options: DeserializeOptions = {}): Promise<unknown> {
  const source = await FileByteSource.open(path);
  try {
    return (await decodeFromSource(source, options)).value;
  } finally {
    await source.close();
  }
}

/** Synchronous {@link load}. */
export function loadSync(path: string, options: DeserializeOptions = {}): unknown {
  return decodeContainer(openContainer(fs.readFileSync(path), { verifyChecksums: options.verifyChecksums }), options).value;
}
