import { crc32c } from '../format/index.js';
import type { Registry } from '../registry/index.js';
import { encodeGraph } from './encoder.js';

/**
 * The identity of a de-duplicated object: its registered name and the standalone
 * graph encoding of its constructor arguments (sections summarised by kind, dtype,
 * shape, length and checksum). Two objects with equal keys are interchangeable.
 */
export function canonicalKey(registry: Registry, name: string, args: readonly unknown[]): string {
  const { graph, sections } = encodeGraph(args, { registry });
  let key = `${name}\u0000${Buffer.from(graph.buffer, graph.byteOffset, graph.byteLength).toString('latin1')}`;
  for (const s of sections) {
    key += `\u0000${s.kind}:${s.dtype ?? ''}:${(s.shape ?? []).join('x')}:${s.data.byteLength}:${crc32c(s.data)}`;
  }
  return key;
}
