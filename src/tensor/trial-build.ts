import * as tf from '#tfjs-core';
import { standInOf } from '../graph/index.js';
import { LAYERS_MODEL_CODEC_NAME, SEQUENTIAL_CODEC_NAME } from './model-codec.js';

/*
 * Verification (`reprise verify` and `inspect`, the codecs' `check` hooks) by building
 * and discarding. Node only: package.json `imports` maps `#trial-build` here in Node and
 * to ./trial-build-unavailable.ts elsewhere, whose `undefined`s leave the model and
 * optimizer codecs without a `check` in a browser build, where nothing verifies.
 */

/**
 * Prefix of the weight names of a model built by {@link buildAndDiscard}: tfjs-layers
 * counts every weight name it hands out in a private table (`d/kernel`, then
 * `d/kernel_1`, …) that cannot be reset, so a model verified under its own names would
 * change the names of the next model built with the same layer names. Weight names
 * starting with this prefix are only ever counted by verification.
 */
export const TRIAL_WEIGHT_PREFIX = 'reprise_verify_';

/** The weight name a model being verified asks for instead of `name` (a name tfjs refuses stays as it is, so it is refused the same way). */
export function trialWeightName(name: string): string {
  return /^[A-Za-z0-9][-A-Za-z0-9._/]*$/.test(name) ? TRIAL_WEIGHT_PREFIX + name : name;
}

/**
 * Runs `build` — a codec's own `decode` — to learn whether it succeeds, then undoes it:
 * the value built is disposed, every tensor made inside and not kept is released (as by
 * `tf.tidy`), every variable registered meanwhile is disposed, and tfjs' counter of
 * unnamed variables is put back, so that nothing created afterwards is named
 * differently. With `disposeKept`, tensors made inside and kept with `tf.keep` are
 * disposed too: only for code that keeps nothing beyond the value (tfjs' own optimizers,
 * which may fail to dispose what they kept), never where user code runs (a custom layer
 * may keep a tensor in a cache of its own). What `build` throws is thrown unchanged:
 * verification fails with the very code and path loading gives. Memory stays bounded by
 * the file: a codec checks the stored record (names, shapes, byte lengths against the
 * sections) before it allocates anything.
 */
export function buildAndDiscard(build: () => { dispose(): unknown }, disposeKept = false): void {
  const engine = tf.engine();
  const counters = engine.constructor as unknown as { nextVariableId: number };
  const nextVariableId = counters.nextVariableId;
  const before = new Set(Object.keys(engine.registeredVariables));
  engine.startScope('reprise.buildAndDiscard');
  // Every tensor made in this scope, kept ones included (endScope releases the others).
  const made = (engine as unknown as { state: { activeScope: { track: tf.Tensor[] } } }).state.activeScope.track;
  try {
    build().dispose();
  } finally {
    if (disposeKept) for (const t of made) t.dispose();
    engine.endScope();
    for (const [name, variable] of Object.entries(engine.registeredVariables)) if (!before.has(name)) variable.dispose();
    counters.nextVariableId = nextVariableId;
  }
}

/** A copy of `obj` (an object as verification builds it: plain or null-prototype) with each of its own data properties named in `replace` mapped through it; `obj` itself when it is anything else. */
export function copyPlainWith(obj: unknown, replace: Readonly<Record<string, (v: unknown) => unknown>>): unknown {
  if (typeof obj !== 'object' || obj === null) return obj;
  const proto = Object.getPrototypeOf(obj);
  if (proto !== Object.prototype && proto !== null) return obj;
  const descriptors = Object.getOwnPropertyDescriptors(obj);
  for (const [key, fn] of Object.entries(replace)) {
    const d = Object.prototype.hasOwnProperty.call(descriptors, key) ? descriptors[key]! : undefined;
    if (d && 'value' in d) d.value = fn(d.value);
  }
  return Object.create(proto, descriptors);
}

/**
 * `value` with the stand-ins of registered functions in it replaced by `fn(name)`, down
 * to `depth` levels of arrays and plain objects (a loss or metrics: a name or function,
 * an array of them, or an object of those); what is not a function's stand-in is kept.
 */
export function withFunctions(value: unknown, fn: (name: string | undefined) => unknown, depth: number): unknown {
  const standIn = standInOf(value);
  if (standIn) return standIn.kind === 'function' ? fn(standIn.name) : value;
  if (depth <= 0 || typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return Object.getPrototypeOf(value) === Array.prototype ? value.map((v) => withFunctions(v, fn, depth - 1)) : value;
  const replace: Record<string, (v: unknown) => unknown> = Object.create(null);
  for (const key of Object.keys(value)) replace[key] = (v) => withFunctions(v, fn, depth - 1);
  return copyPlainWith(value, replace);
}

/**
 * A model codec's `check`: `buildAndDiscard` runs `decode` — the very decoding of loading
 * (the same checks in the same order, then tfjs building, settling and compiling the
 * model) — and disposes all it made, so verify refuses exactly what load refuses (same
 * code and path). Weights get trial names (`trialWeightName`). What verify holds as
 * stand-ins is replaced as loading would hold it: a registered loss or metric function by
 * a function of that name, the compile state's optimizer (a built-in optimizer's codec
 * value, or a registered class or codec value, which may be one) by a fresh `SGDOptimizer`.
 */
export function verifyModelRecord(record: unknown, decode: (record: unknown, weightName: (name: string) => string) => { dispose(): unknown }): void {
  buildAndDiscard(() => {
    const made: tf.Optimizer[] = [];
    const fn = (name: string | undefined) => Object.defineProperty((_yTrue: tf.Tensor, yPred: tf.Tensor) => yPred, 'name', { value: name ?? '' });
    const optimizer = (v: unknown) => {
      const standIn = standInOf(v);
      if (!standIn || standIn.kind === 'function' || standIn.kind === 'other' || notOptimizer(standIn.name!)) return v;
      made.push(tf.train.sgd(0.1));
      return made[made.length - 1];
    };
    const compiled = (c: unknown) =>
      copyPlainWith(c, { optimizer, loss: (v) => withFunctions(v, fn, 3), metrics: (v) => withFunctions(v, fn, 3) });
    try {
      return decode(copyPlainWith(record, { compiled }), trialWeightName);
    } finally {
      for (const o of made) o.dispose();
    }
  });
}

/** Codec values of the tensor layer that are not optimizers (a function: ./model-codec.ts imports this module). */
function notOptimizer(name: string): boolean {
  return [SEQUENTIAL_CODEC_NAME, LAYERS_MODEL_CODEC_NAME, 'tf.Tensor', 'tf.Variable', 'reprise.Device'].includes(name);
}
