import * as tf from '#tfjs-core';
import '../tensor-methods.js';

/** Per-variable slot arrays of the tfjs optimizers (momentum, Adam moments, …). */
const SLOT_FIELDS = [
  'accumulations',
  'accumulatedGrads',
  'accumulatedUpdates',
  'accumulatedFirstMoment',
  'accumulatedSecondMoment',
  'accumulatedWeightedInfNorm',
  'accumulatedMeanSquares',
  'accumulatedMoments',
  'accumulatedMeanGrads',
] as const;

type SlotHolder = Record<string, unknown> & {
  beta1?: number;
  beta2?: number;
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
  iteration?: tf.Variable;
};

/**
 * Forgets an optimizer's per-variable state (momentum buffers, Adam moments and bias
 * corrections), as the original's `reset_optimizer`, which its strategies call before
 * every training experience. tfjs optimizers keep that state by the position of each
 * variable in the gradient list, so it must be reset whenever the list of trained
 * variables changes (a new head, a frozen trunk).
 */
export function resetOptimizerState(optimizer: tf.Optimizer): void {
  const o = optimizer as unknown as SlotHolder;
  for (const field of SLOT_FIELDS) {
    const slots = o[field];
    if (!Array.isArray(slots)) continue;
    for (const slot of slots as Array<{ variable?: tf.Variable } | undefined>) slot?.variable?.dispose();
    o[field] = [];
  }
  tf.tidy(() => {
    if (o.accBeta1 && typeof o.beta1 === 'number') o.accBeta1.assign(tf.scalar(o.beta1));
    if (o.accBeta2 && typeof o.beta2 === 'number') o.accBeta2.assign(tf.scalar(o.beta2));
    if (o.iteration) o.iteration.assign(tf.scalar(0));
  });
}
