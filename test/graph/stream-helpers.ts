import assert from 'node:assert/strict';
import { inspectBytes } from '../../src/cli/inspect.js';
import { CheckpointError, CheckpointFormatError } from '../../src/errors.js';
import { concatChunks, packContainer, type SectionPayload } from '../../src/format/index.js';
import { Registry } from '../../src/registry/index.js';
import { fromBytes } from '../helpers/graph-round-trip.js';

/** Unsigned LEB128, as the graph stream writes counts, lengths and ids (the bench's hand-built streams use the same one). */
import { varint } from '../../bench/stream-bytes.js';
export { varint };

/** A STRING value. */
export const str = (s: string): number[] => {
  const b = Buffer.from(s, 'utf8');
  return [0x06, ...varint(b.length), ...b];
};

/** A container whose checksums are right around a graph stream written by hand. */
export function container(graph: ArrayLike<number>, sections: SectionPayload[] = []): Uint8Array {
  return concatChunks(packContainer({ graph: Uint8Array.from(graph), sections, writer: 'test', backend: '' }));
}

/** The offset of the graph stream (section 0) in a container: after the 32-byte preamble and the header, 64-aligned. */
export function graphOffset(file: Uint8Array): number {
  return 64 * Math.ceil((32 + new DataView(file.buffer, file.byteOffset).getUint32(12, true)) / 64);
}

export interface Outcome {
  ok: boolean;
  code?: string;
  path?: string;
  offset?: number;
}

/** What happened to a call: success, or the CheckpointError's code, path and offset (anything else fails the test). */
export function outcome(fn: () => unknown): Outcome {
  try {
    fn();
    return { ok: true };
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${(err as Error)?.stack ?? String(err)}`);
    return { ok: false, code: err.code, path: err.path, offset: err instanceof CheckpointFormatError ? err.offset : undefined };
  }
}

export const loadOutcome = (file: Uint8Array, registry = new Registry(), maxDepth?: number): Outcome =>
  outcome(() => fromBytes(file, { registry, maxDepth }));
export const inspectOutcome = (file: Uint8Array, registry?: Registry, maxDepth?: number): Outcome =>
  outcome(() => inspectBytes(file, { registry, maxDepth }));

/** Loads through the decoder and inspects through `reprise verify`'s reader; both must give `code` (and `path`). */
export function expectBoth(file: Uint8Array, code: string, opts: { path?: string; registry?: Registry; maxDepth?: number } = {}): Outcome {
  const loaded = loadOutcome(file, opts.registry ?? new Registry(), opts.maxDepth);
  assert.equal(loaded.code, code, `load: ${JSON.stringify(loaded)}`);
  if (opts.path !== undefined) assert.equal(loaded.path, opts.path);
  assert.deepEqual(inspectOutcome(file, opts.registry ?? new Registry(), opts.maxDepth), loaded, 'inspect agrees with load');
  return loaded;
}

/** Loads and inspects; both must succeed. */
export function expectLoads(file: Uint8Array, opts: { registry?: Registry; maxDepth?: number } = {}): unknown {
  assert.deepEqual(inspectOutcome(file, opts.registry ?? new Registry(), opts.maxDepth), { ok: true }, 'inspect');
  return fromBytes(file, { registry: opts.registry ?? new Registry(), maxDepth: opts.maxDepth }).value;
}
