import { CheckpointFormatError } from '../errors.js';
import { crc32c, decodeHeader, MAGIC, openContainer, PREAMBLE_SIZE, type HeaderInfo } from '../format/index.js';
import type { DecodeStats } from '../graph/index.js';
import { decodeContainer, decodeFromSource } from './deserialize.js';
import type { DeserializeOptions } from './options.js';
import { MAX_HEADER_SIZE } from '../format/constants.js';
import { type CheckpointReader, type CheckpointStorage } from './storage.js';

/**
 * The bytes of checkpoint `name`, in one buffer, through `loadCheckpoint` (the file
 * system reads into a buffer sized from the file, S3 into one sized from Content-Length).
 * Loads do not use it: they decode through {@link decodeStored}.
 * @throws CheckpointStorageError `NOT_FOUND` for a missing checkpoint, `LOAD_FAILED`.
 */
export async function readCheckpointBytes(storage: CheckpointStorage, name: string): Promise<Uint8Array> {
  return storage.loadCheckpoint(name);
}

/**
 * Reads checkpoint `name` of `storage` and rebuilds its value: what `load`,
 * `maybeLoadCheckpoint` and `CheckpointPlugin` all go through. From a storage with
 * `openReader` (the file system; S3 by ranged GETs) the sections are read one by one
 * straight into the memory their tensors keep (`decodeFromSource`), so the file's bytes
 * are never held twice; from a storage without it (memory, IndexedDB, a user's storage
 * that implements only the required methods) the bytes `loadCheckpoint` gives are
 * decoded in place. `onHeader` sees the verified header before any section is read or
 * decoded (the plugin refuses mixed runs there); its rejection stops the load.
 * @throws CheckpointStorageError `NOT_FOUND`, `LOAD_FAILED`; what `deserialize` throws.
 */
export async function decodeStored(
  storage: CheckpointStorage,
  name: string,
  options: DeserializeOptions = {},
  onHeader?: (header: HeaderInfo) => void | Promise<void>,
): Promise<{ value: unknown; stats: DecodeStats; header: HeaderInfo }> {
  if (!storage.openReader) {
    const bytes = await storage.loadCheckpoint(name);
    if (onHeader) await onHeader(headerOfBytes(bytes));
    const container = openContainer(bytes, { verifyChecksums: options.verifyChecksums });
    return { ...decodeContainer(container, options), header: container.header };
  }
  const reader = await storage.openReader(name);
  try {
    return await decodeFromSource(reader, options, onHeader);
  } finally {
    await reader.close();
  }
}

/** How much of a file to read first for its header: most headers fit, so one request does. */
const FIRST_READ = 64 * 1024;

/**
 * The verified header (writer, backend, metadata, section table) of checkpoint `name`,
 * reading only its first bytes when the storage has `openReader`. Used to tell a run's
 * own checkpoints from others' before pruning, without loading them.
 * @throws CheckpointStorageError as {@link readCheckpointBytes}; CheckpointFormatError
 *   (`TRUNCATED`, `BAD_MAGIC`, `BAD_HEADER`, `HEADER_CHECKSUM`) for a file that is not a checkpoint.
 */
export async function readCheckpointHeader(storage: CheckpointStorage, name: string): Promise<HeaderInfo> {
  if (!storage.openReader) return parseHeader(await storage.loadCheckpoint(name), Infinity);
  const reader = await storage.openReader(name);
  try {
    return await headerFromReader(reader);
  } finally {
    await reader.close();
  }
}

/** The verified header of a whole checkpoint in memory (sections are not checked here). */
export function headerOfBytes(bytes: Uint8Array): HeaderInfo {
  return parseHeader(bytes, bytes.byteLength);
}

async function headerFromReader(reader: CheckpointReader): Promise<HeaderInfo> {
  let prefix = new Uint8Array(Math.min(reader.size, FIRST_READ));
  await reader.read(prefix, 0);
  const needed = headerEnd(prefix, reader.size);
  if (needed > prefix.byteLength) {
    const more = new Uint8Array(needed);
    more.set(prefix);
    await reader.read(more.subarray(prefix.byteLength), prefix.byteLength);
    prefix = more;
  }
  return parseHeader(prefix, reader.size);
}

/** Where the header ends, from the preamble, checked against the stored size. */
function headerEnd(bytes: Uint8Array, size: number): number {
  if (bytes.byteLength < PREAMBLE_SIZE || !MAGIC.every((b, i) => bytes[i] === b)) {
    throw new CheckpointFormatError(bytes.byteLength < PREAMBLE_SIZE ? 'TRUNCATED' : 'BAD_MAGIC', 'not a reprise checkpoint: its preamble is missing or wrong', { offset: 0 });
  }
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_SIZE).getUint32(12, true);
  if (headerLength > MAX_HEADER_SIZE || PREAMBLE_SIZE + headerLength > size) {
    throw new CheckpointFormatError('BAD_HEADER', `header length ${headerLength} does not fit in a ${size}-byte file`, { offset: 12 });
  }
  return PREAMBLE_SIZE + headerLength;
}

function parseHeader(bytes: Uint8Array, size: number): HeaderInfo {
  const end = headerEnd(bytes, Math.min(size, bytes.byteLength));
  const view = new DataView(bytes.buffer, bytes.byteOffset, PREAMBLE_SIZE);
  const header = bytes.subarray(PREAMBLE_SIZE, end);
  if (crc32c(header) !== view.getUint32(16, true)) {
    throw new CheckpointFormatError('HEADER_CHECKSUM', 'header checksum mismatch', { offset: PREAMBLE_SIZE });
  }
  return decodeHeader(header, PREAMBLE_SIZE);
}
