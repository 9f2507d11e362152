import { crc32c } from './checksum.js';
import { encodePreamble, layoutContainer, packContainer, padding, type ContainerInput, type PackedContainer } from './container.js';
import { PREAMBLE_SIZE } from './constants.js';
import { patchSectionCrcs } from './header.js';
import { isDeferredBytes, type DeferredBytes } from './sections.js';
import type { PositionalSink } from './atomic-write.js';

/** Bytes gathered before a write is issued. */
const WRITE_BATCH = 1 << 20;
/** Writes issued before the writer waits for the oldest. */
const WRITES_IN_FLIGHT = 2;

/**
 * Writes a container through a positional `sink`, straight from each section's bytes
 * (deferred ones read one at a time, as they are reached): the sections first, each
 * checksummed while the one before it is being written, then the preamble and header in
 * front, once every checksum is known. The bytes are exactly {@link packContainer}'s.
 * Sections are gathered into writes of about 1 MiB or more; at most three such
 * batches (two being written, one being read) are held at once beyond what the
 * caller holds. Returns the file's length.
 *
 * Only for a sink nobody reads before it resolves (the temporary file of
 * `writeAtomicallyWith`): until the end, the file has no header.
 * @throws what the sink or a deferred read throws; an `Error` when a deferred read
 *   gives another length than it announced.
 */
export async function writeContainer(input: ContainerInput, sink: PositionalSink): Promise<number> {
  const layout = layoutContainer(input);
  const { payloads, sections, header } = layout;
  const crcs: number[] = [];
  let position = PREAMBLE_SIZE + header.byteLength;
  // Sections are gathered into writes of at least WRITE_BATCH bytes (one `writev`
  // each): a small section does not cost a system call of its own. Up to
  // WRITES_IN_FLIGHT writes (of disjoint ranges) run while the next batch is read.
  const inFlight: Array<Promise<void>> = [];
  let batch: Uint8Array[] = [];
  let batchStart = position;
  let batchBytes = 0;
  const flush = async () => {
    if (inFlight.length >= WRITES_IN_FLIGHT) await inFlight.shift();
    if (batch.length > 0) inFlight.push(sink.write(batch, batchStart));
    batch = [];
    batchStart = position;
    batchBytes = 0;
  };
  try {
    for (let i = 0; i < payloads.length; i++) {
      const data = await readPayload(payloads[i]!.data);
      crcs.push(crc32c(data)); // while the previous batch is being written
      const { offset } = sections[i]!;
      if (offset > position) batch.push(padding(position, offset));
      batch.push(data);
      batchBytes += offset - position + data.byteLength;
      position = offset + data.byteLength;
      if (batchBytes >= WRITE_BATCH) await flush();
    }
    await flush();
    while (inFlight.length > 0) await inFlight.shift();
  } catch (err) {
    await Promise.allSettled(inFlight); // settle the writes in flight before the caller removes the file
    throw err;
  }
  if (patchSectionCrcs(header, crcs)) {
    await sink.write([encodePreamble(header, layout.byteLength, layout.formatVersion), header], 0);
    return layout.byteLength;
  }
  // A non-empty section whose CRC-32C is 0 (one in 2^32): its header is laid out
  // differently, so the file is written again, as packContainer lays it out.
  const again = packContainer(input); // reads the deferred bytes again, synchronously
  await sink.write(again.chunks, 0);
  await sink.truncate(again.byteLength);
  return again.byteLength;
}

/**
 * {@link packContainer} after reading every deferred section (asynchronously, so a
 * backend that keeps tensors on a GPU can download them without blocking): for storages
 * that take the whole checkpoint as chunks.
 */
export async function packContainerAsync(input: ContainerInput): Promise<PackedContainer> {
  const sections = [];
  for (const s of input.sections) sections.push({ ...s, data: await readPayload(s.data) });
  return packContainer({ ...input, sections });
}

async function readPayload(data: Uint8Array | DeferredBytes): Promise<Uint8Array> {
  if (!isDeferredBytes(data)) return data;
  const bytes = await data.read();
  if (bytes.byteLength !== data.byteLength) {
    throw new Error(`internal: a deferred section announced ${data.byteLength} bytes and gave ${bytes.byteLength}`);
  }
  return bytes;
}
