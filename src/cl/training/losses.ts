import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import { registerFunction } from '../../registry/index.js';

/** A loss: logits `[batch, classes]` and int32 labels `[batch]` to a scalar. */
export type Criterion = (logits: tf.Tensor2D, labels: tf.Tensor1D) => tf.Scalar;

/**
 * Softmax cross-entropy averaged over the batch (the original's `CrossEntropyLoss`).
 * Registered as `reprise.cl.crossEntropy`, so a strategy holding it can be saved.
 */
export function crossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): tf.Scalar {
  return tf.tidy(() => tf.losses.softmaxCrossEntropy(tf.oneHot(labels, logits.shape[1]), logits) as tf.Scalar);
}

registerFunction('reprise.cl.crossEntropy', crossEntropy);
