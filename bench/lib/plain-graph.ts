import * as tf from '@tensorflow/tfjs';
import { defaultRegistry } from '../../src/index.js';

/** A tensor in a plain graph: what v8 and JSON store for it. */
export interface PlainTensor {
  __tensor: { dtype: string; shape: number[]; data: ArrayLike<number> | Uint8Array[] | string[] };
}

/**
 * The baselines' view of a live graph: tensors become `{ __tensor: { dtype, shape, data } }`
 * with `data` a typed array (`typed`, for v8) or a plain array (`array`, for JSON); tfjs
 * models become their topology and weights; objects of classes registered with
 * `@constructorSerialized` become their constructor arguments (what reprise stores, so a
 * dataset is not written in full); other class instances become plain objects of their
 * own enumerable fields (their class is lost: these baselines cannot rebuild it);
 * functions are dropped. In `typed` mode shared references and cycles are kept (v8 keeps
 * them); in `array` mode a reference back to an ancestor becomes null and shared objects
 * are repeated, as JSON does.
 */
export function toPlain(value: unknown, mode: 'typed' | 'array'): unknown {
  const memo = new Map<object, unknown>();
  const ancestors = new Set<object>();

  function walk(v: unknown): unknown {
    if (typeof v === 'function' || typeof v === 'symbol') return undefined;
    if (typeof v === 'bigint') return mode === 'array' ? v.toString() : v;
    if (typeof v !== 'object' || v === null) return v;
    if (mode === 'typed' && memo.has(v)) return memo.get(v);
    if (mode === 'array' && ancestors.has(v)) return null;
    if (v instanceof tf.Tensor) return plainTensor(v, mode);
    if (v instanceof tf.LayersModel) {
      return { __model: { config: JSON.stringify(v.getConfig()), weights: v.weights.map((w) => plainTensor(w.read(), mode)) } };
    }
    if (ArrayBuffer.isView(v)) return mode === 'typed' ? v : Array.from(v as unknown as ArrayLike<number>);
    if (v instanceof Date) return mode === 'typed' ? v : v.toISOString();
    ancestors.add(v);
    try {
      if (Array.isArray(v)) {
        const out: unknown[] = [];
        if (mode === 'typed') memo.set(v, out);
        for (const item of v) out.push(walk(item));
        return out;
      }
      if (v instanceof Map) {
        if (mode === 'array') return { __map: [...v].map(([k, val]) => [walk(k), walk(val)]) };
        const out = new Map();
        memo.set(v, out);
        for (const [k, val] of v) out.set(walk(k), walk(val));
        return out;
      }
      if (v instanceof Set) {
        if (mode === 'array') return { __set: [...v].map(walk) };
        const out = new Set();
        memo.set(v, out);
        for (const item of v) out.add(walk(item));
        return out;
      }
      const entry = defaultRegistry.lookup(v);
      if (entry?.kind === 'constructor') {
        const out: Record<string, unknown> = {};
        if (mode === 'typed') memo.set(v, out);
        out.__ctor = entry.name;
        out.args = walk(entry.argsOf(v) ?? []);
        return out;
      }
      const out: Record<string, unknown> = {};
      if (mode === 'typed') memo.set(v, out);
      for (const key of Object.keys(v)) {
        const item = walk((v as Record<string, unknown>)[key]);
        if (item !== undefined) out[key] = item;
      }
      return out;
    } finally {
      ancestors.delete(v);
    }
  }
  return walk(value);
}

function plainTensor(t: tf.Tensor, mode: 'typed' | 'array'): PlainTensor {
  const values = t.dtype === 'string' ? (t.arraySync() as unknown as string[]) : (t.dataSync() as ArrayLike<number>);
  return { __tensor: { dtype: t.dtype, shape: [...t.shape], data: mode === 'typed' || t.dtype === 'string' ? values : Array.from(values as ArrayLike<number>) } };
}

/**
 * Rebuilds every tensor of a plain graph read back by v8 or JSON on the current backend,
 * replacing the records in place (models: their weight tensors, not a rebuilt model).
 * Returns the graph.
 */
export function fromPlain(graph: unknown): unknown {
  const seen = new Set<object>();
  const make = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    const rec = (v as PlainTensor).__tensor;
    if (rec !== undefined) return tf.tensor(rec.data as never, rec.shape, rec.dtype as tf.DataType);
    const model = (v as { __model?: { config: string; weights: unknown[] } }).__model;
    if (model !== undefined) return { config: model.config, weights: model.weights.map(make) };
    visit(v);
    return v;
  };
  const visit = (v: object): void => {
    if (seen.has(v) || ArrayBuffer.isView(v)) return;
    seen.add(v);
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = make(v[i]);
    } else if (v instanceof Map) {
      for (const [k, val] of v) v.set(k, make(val));
    } else if (v instanceof Set) {
      for (const item of v) make(item);
    } else {
      for (const key of Object.keys(v)) (v as Record<string, unknown>)[key] = make((v as Record<string, unknown>)[key]);
    }
  };
  return make(graph);
}

/** Disposes every tensor and model reachable from `value` (between repetitions). */
export function disposeAll(value: unknown): void {
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v)) continue;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      v.dispose();
      continue;
    }
    if (v instanceof tf.LayersModel) {
      v.dispose();
      continue;
    }
    if (ArrayBuffer.isView(v)) continue;
    if (v instanceof Map) for (const [k, val] of v) stack.push(k, val);
    else if (v instanceof Set) for (const item of v) stack.push(item);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
}
