import * as tf from '@tensorflow/tfjs';
import { maybeLoadCheckpoint, saveCheckpoint } from '../../src/index.js';
import { toPlain } from '../lib/plain-graph.js';
import { buildRun, trainRun, type Run, type RunKind } from './strategy-setup.js';
import type { BenchCase, BuiltState, Variant } from './types.js';

/**
 * Cases 1 and 2: a whole continual-learning run saved with `saveCheckpoint` and loaded
 * with `maybeLoadCheckpoint` into a freshly built strategy, with the benchmark as
 * `uniqueObjects` — as a resumed script does. The trained state is made once (by
 * `prepare`, in its own process) and every measuring process restores it first.
 * The baselines save the same strategy as a plain graph (classes lost, datasets as
 * their constructor arguments) or its tensors only, and load it to tensors, not to a
 * strategy.
 */
function strategyCase(kind: RunKind, name: string, title: string, description: string, label: string): BenchCase {
  return {
    name,
    title,
    description,
    variants: () => [{ id: kind, label, params: { kind } }],
    subjects: ['reprise', 'fs', 'v8', 'json', 'tfjs'],
    async prepare(variant: Variant, file: string, mode): Promise<void> {
      const run = buildRun(kind, mode);
      await trainRun(kind, run);
      await saveCheckpoint(run.strategy, file);
    },
    async build(_variant, _subject, prepared, mode): Promise<BuiltState> {
      const run = await restore(kind, mode, prepared!);
      // One tensor per distinct data: right after an experience LwF's previous model (a
      // copy of the model, made with tf.clone) shares its four weights' data with the
      // model's, which reprise stores once; counting them twice made the replay case's
      // tensor bytes 9.8 MB for a file of 8.2 MB, and the baselines wrote them twice.
      const tensors = distinctData(collectTensors(run.strategy)).map((tensor, i) => ({ name: `t${i}`, tensor }));
      return { value: run, tensors, plain: (m) => toPlain(run.strategy, m) };
    },
    async save(state, file) {
      await saveCheckpoint((state.value as Run).strategy, file);
    },
    async prepareLoad(_variant, mode) {
      return buildRun(kind, mode);
    },
    async load(file, prepared) {
      const run = prepared as Run;
      await maybeLoadCheckpoint(run.strategy, file, { uniqueObjects: run.benchmark, quiet: true });
      return run.strategy;
    },
    tensorBytes: (state) => state.tensors.reduce((n, t) => n + t.tensor.size * 4, 0),
    // Weights, optimizer slots, model copies and importances are nearly all of the file.
    tensorHeavy: () => true,
  };
}

async function restore(kind: RunKind, mode: 'full' | 'quick', file: string): Promise<Run> {
  const run = buildRun(kind, mode);
  await maybeLoadCheckpoint(run.strategy, file, { uniqueObjects: run.benchmark, quiet: true });
  return run;
}

/** Every distinct tensor reachable from `value` (model weights, optimizer slots, plugin state). */
export function collectTensors(value: unknown): tf.Tensor[] {
  const found = new Map<number, tf.Tensor>();
  const seen = new Set<object>();
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v !== 'object' || v === null || seen.has(v) || ArrayBuffer.isView(v)) continue;
    seen.add(v);
    if (v instanceof tf.Tensor) {
      if (!v.isDisposed && !found.has(v.id)) found.set(v.id, v);
      continue;
    }
    if (v instanceof tf.LayersModel) {
      for (const w of v.weights) stack.push(w.read());
      continue;
    }
    if (v instanceof Map) for (const [k, val] of v) stack.push(k, val);
    else if (v instanceof Set) for (const item of v) stack.push(item);
    else for (const key of Object.keys(v)) stack.push((v as Record<string, unknown>)[key]);
  }
  return [...found.values()];
}

/** The first of the tensors sharing each data (same `dataId`), in order. */
export function distinctData(tensors: tf.Tensor[]): tf.Tensor[] {
  const seen = new Set<object>();
  return tensors.filter((t) => !seen.has(t.dataId) && seen.add(t.dataId));
}

export const strategyCase1 = strategyCase(
  'profiling',
  'strategy',
  'Strategy (the original profiling case)',
  'Naive + SimpleMLP(3072 → 512 → 100), SGD with momentum after a few steps, evaluator with accuracy and loss metrics, RNG state: saveCheckpoint / maybeLoadCheckpoint.',
  'Naive, SimpleMLP 3072→100, momentum',
);

export const strategyCase2 = strategyCase(
  'replay',
  'strategy-replay',
  'Strategy with replay, LwF and EWC',
  'The same on SplitMNIST with ReplayPlugin({ memSize: 500 }) filled, LwF (a frozen model copy) and EWC (parameters and importances), after two experiences.',
  'Naive + Replay(500) + LwF + EWC, SplitMNIST',
);
