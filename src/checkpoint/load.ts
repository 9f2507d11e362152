import * as fs from 'node:fs';
import { openContainer } from '../format/index.js';
import type { DeserializeOptions } from './options.js';
import { decodeContainer } from './deserialize.js';

/**
 * Reads a checkpoint written by {@link save} and rebuilds its value. The file is read
 * once; tensor sections are viewed in place. Throws what {@link deserialize} throws,
 * and Node's file errors (`ENOENT` for a missing file).
 */
export async function load(path: string, options: DeserializeOptions = {}): Promise<unknown> {
  const bytes = await fs.promises.readFile(path);
  return decodeContainer(openContainer(bytes, { verifyChecksums: options.verifyChecksums }), options).value;
}

/** Synchronous {@link load}. */
export function loadSync(path: string, options: DeserializeOptions = {}): unknown {
  return decodeContainer(openContainer(fs.readFileSync(path), { verifyChecksums: options.verifyChecksums }), options).value;
}
