import { concatChunks, openContainer, packContainer } from '../../src/format/index.js';
import { decodeGraph, encodeGraph } from '../../src/graph/index.js';
import { Registry, type SectionView } from '../../src/registry/index.js';

export interface GraphRoundTripOptions {
  registry?: Registry;
  uniqueObjects?: unknown;
  options?: Record<string, unknown>;
  maxDepth?: number;
}

/** Encodes a value into a full container and decodes it back, through the graph and format layers only. */
export function toBytes(value: unknown, registry = new Registry(), options: Record<string, unknown> = {}): Uint8Array {
  const { graph, sections } = encodeGraph(value, { registry, options });
  return concatChunks(packContainer({ graph, sections, writer: 'test', backend: '' }));
}

export function fromBytes(bytes: Uint8Array, opts: GraphRoundTripOptions = {}) {
  const container = openContainer(bytes);
  return decodeGraph(container.graph, {
    registry: opts.registry ?? new Registry(),
    uniqueObjects: opts.uniqueObjects,
    options: opts.options,
    maxDepth: opts.maxDepth,
    fileOffset: container.header.sections[0]!.offset,
    section(index): SectionView {
      const data = container.section(index);
      const info = container.header.sections[index]!;
      return { kind: info.kind as SectionView['kind'], data, dtype: info.dtype, shape: info.shape, device: info.device };
    },
  });
}

export function roundTrip<T>(value: T, opts: GraphRoundTripOptions = {}): T {
  return fromBytes(toBytes(value, opts.registry, opts.options), opts).value as T;
}

/** Freezes a value and everything reachable from it, so a test proves the serializer does not mutate its input. */
export function deepFreeze<T>(value: T, seen = new Set<unknown>()): T {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) return value;
  seen.add(value);
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return value;
  if (value instanceof Map) for (const [k, v] of value) (deepFreeze(k, seen), deepFreeze(v, seen));
  if (value instanceof Set) for (const v of value) deepFreeze(v, seen);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as any)[key], seen);
  return Object.freeze(value);
}
