import * as tf from '@tensorflow/tfjs';
import { randomFloats } from '../lib/fill.js';
import type { BenchCase, BuiltState, Variant } from './types.js';

/**
 * Case 3, tensor throughput: a few large float32 tensors (where bandwidth rules) and
 * many small ones (where per-tensor overhead rules), saved as `{ tensors: [...] }`.
 */
export const tensorThroughputCase: BenchCase = {
  name: 'tensor-throughput',
  title: 'Tensor throughput',
  description:
    'Ten large float32 tensors (bandwidth), four very large ones (load memory) and many 1,000-value tensors (per-tensor overhead), as `{ tensors: [...] }`.',
  variants(mode) {
    const big = mode === 'full' ? 5_000_000 : 100_000;
    const count = mode === 'full' ? 2000 : 200;
    const quarter = mode === 'full' ? 25_000_000 : 100_000;
    return [
      { id: 'large', label: `${mb(10 * big * 4)} in 10 float32 tensors`, params: { count: 10, size: big } },
      // The load-memory case: a fresh process's peak resident memory against the file's size.
      { id: 'four', label: `${mb(4 * quarter * 4)} in 4 float32 tensors`, params: { count: 4, size: quarter } },
      { id: 'small', label: `${count.toLocaleString('en')} tensors of 1,000 floats`, params: { count, size: 1000 } },
    ];
  },
  subjects: ['reprise', 'fs', 'v8', 'json', 'tfjs'],
  jsonSkip(variant) {
    return jsonTooLarge(Number(variant.params.count) * Number(variant.params.size));
  },
  async build(variant: Variant): Promise<BuiltState> {
    const count = Number(variant.params.count);
    const size = Number(variant.params.size);
    const tensors = Array.from({ length: count }, (_, i) => tf.tensor1d(randomFloats(size, i + 1)));
    return { value: { tensors }, tensors: tensors.map((tensor, i) => ({ name: `t${i}`, tensor })) };
  },
  tensorBytes: (state) => state.tensors.reduce((n, t) => n + t.tensor.size * 4, 0),
  tensorHeavy: () => true,
};

/** JSON text of a float32 value printed as a double takes about 20 characters. */
const JSON_CHARS_PER_FLOAT = 20;
/** V8's longest string (2^29 - 24 characters on 64-bit). */
const V8_MAX_STRING = 2 ** 29 - 24;

/** Why JSON cannot hold `values` float32 values as text, or undefined when it can. */
export function jsonTooLarge(values: number): string | undefined {
  const chars = values * JSON_CHARS_PER_FLOAT;
  if (chars > V8_MAX_STRING * 0.8) {
    return `JSON skipped: ~${mb(chars)} of text exceeds V8's ${mb(V8_MAX_STRING)} string limit`;
  }
  return undefined;
}

export function mb(bytes: number): string {
  return bytes >= 1e9 ? `${(bytes / 1e9).toFixed(1)} GB` : bytes >= 1e6 ? `${Math.round(bytes / 1e6)} MB` : `${Math.round(bytes / 1e3)} kB`;
}
