import { crc32c } from '../format/checksum.js';
import type { Registry } from '../registry/index.js';
import { encodeGraph } from './encoder.js';

/**
 * The identity of a de-duplicated object: its registered name and the standalone
 * graph encoding of its constructor arguments (sections summarised by kind, dtype,
 * shape, length and checksum). Two objects with equal keys are interchangeable.
 */
export function canonicalKey(registry: Registry, name: string, args: readonly unknown[]): string {
  const { graph, sections } = encodeGraph(args, { registry });
  let key = `${name}\u0000${latin1(graph)}`;
  for (const s of sections) {
    key += `\u0000${s.kind}:${s.dtype ?? ''}:${(s.shape ?? []).join('x')}:${s.data.byteLength}:${crc32c(s.data)}`;
  }
  return key;
}

/** Each byte as one char code 0–255 (what Node's `latin1` decoding gives), in chunks for the argument limit. */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  return out;
}
