import * as tf from '#tfjs-core';
import * as tfl from '#tfjs-layers-lazy';
import { CheckpointError, CheckpointFormatError } from '../errors.js';

/**
 * What `model.compile()` set, stored with a compiled model so that `model.fit` resumes
 * exactly: the optimizer (a graph value: the optimizer codec stores its slots, and an
 * optimizer also held elsewhere stays one object), whether the model owns it (compiled
 * with a name such as `'sgd'`), the loss and metrics as given (names, or functions
 * registered with `registerFunction`), and which weights `compile` collected for
 * training (tfjs keeps that list until the next `compile`, whatever `trainable` says later).
 */
export interface CompileState {
  optimizer: tf.Optimizer;
  optimizerOwned: boolean;
  loss: unknown;
  metrics: unknown;
  /** Indexes, in the model record's weight order, of `collectedTrainableWeights`. */
  collected: number[];
}

type CompiledFields = {
  optimizer_?: tf.Optimizer;
  isOptimizerOwned: boolean;
  loss: unknown;
  metrics?: unknown;
  collectedTrainableWeights?: object[];
};

/** Where `compile` keeps its fields: a `tf.Sequential` delegates to its inner model (and mirrors some). */
function compiledCore(model: tfl.LayersModel): CompiledFields | undefined {
  return (model instanceof tfl.Sequential ? (model as unknown as { model?: CompiledFields }).model : model) as CompiledFields | undefined;
}

/** The compile state of `model`, or `null` when it was never compiled. Inverse: {@link restoreCompileState}. */
export function compileStateOf(model: tfl.LayersModel, weights: readonly { val: object }[]): CompileState | null {
  const fields = compiledCore(model);
  if (fields?.optimizer_ == null) return null;
  const index = new Map(weights.map((w, i) => [w as object, i]));
  return {
    optimizer: fields.optimizer_,
    optimizerOwned: fields.isOptimizerOwned === true,
    loss: fields.loss,
    metrics: fields.metrics ?? null,
    collected: (fields.collectedTrainableWeights ?? []).map((w) => index.get(w)).filter((i): i is number => i !== undefined),
  };
}

/**
 * The checks of a stored compile state that need no model: a record (or `null`), a
 * boolean `optimizerOwned`, `collected` indexes below `weightCount`. Whether its
 * `optimizer` is a `tf.Optimizer` is known only once it is built ({@link restoreCompileState}).
 * @throws CheckpointFormatError `BAD_MODEL`.
 */
export function checkCompileRecord(stored: unknown, weightCount: number, path: string): void {
  if (stored === null || stored === undefined) return;
  const fail = (what: string) => malformed(what, path);
  if (typeof stored !== 'object') throw fail('expected a record');
  const { optimizerOwned, collected } = stored as Record<string, unknown>;
  if (typeof optimizerOwned !== 'boolean') throw fail('optimizerOwned must be a boolean');
  if (!Array.isArray(collected) || !collected.every((i) => Number.isSafeInteger(i) && i >= 0 && i < weightCount)) {
    throw fail(`collected must list weight indexes below ${weightCount}`);
  }
}

/**
 * Compiles the rebuilt `model` as the saved one was, then restores what `compile`
 * derived and the user may have changed since (optimizer ownership, collected weights).
 * `stored` has passed {@link checkCompileRecord} (`decodeModel` checks it before building).
 *
 * @throws CheckpointFormatError `BAD_MODEL` for a malformed state; CheckpointError
 *   `MODEL_REBUILD` when tfjs refuses to compile with it.
 */
export function restoreCompileState(model: tfl.LayersModel, stored: unknown, weights: readonly object[], path: string): void {
  if (stored === null || stored === undefined) return;
  const { optimizer, optimizerOwned, loss, metrics, collected } = stored as { optimizerOwned: boolean; collected: number[] } & Record<string, unknown>;
  if (!(optimizer instanceof tf.Optimizer)) throw malformed('its optimizer is not a tf.Optimizer', path);
  try {
    model.compile({ optimizer, loss: loss as never, ...(metrics === null ? {} : { metrics: metrics as never }) });
  } catch (err) {
    throw new CheckpointError('MODEL_REBUILD', `tfjs could not compile the rebuilt model as it was: ${(err as Error)?.message}`, { path, cause: err });
  }
  const fields = compiledCore(model)!;
  fields.isOptimizerOwned = optimizerOwned;
  (model as unknown as CompiledFields).isOptimizerOwned = optimizerOwned;
  fields.collectedTrainableWeights = (collected as number[]).map((i) => weights[i]!);
}

function malformed(what: string, path: string): CheckpointFormatError {
  return new CheckpointFormatError('BAD_MODEL', `the stored compile state is malformed: ${what}`, { path });
}
