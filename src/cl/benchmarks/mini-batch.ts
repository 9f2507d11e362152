import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import type { ClassificationDataset } from './dataset.js';

/**
 * One mini-batch: tensors for the model and the same labels as plain arrays for
 * bookkeeping (metrics, buffers) without reading tensors back. The consumer disposes
 * the tensors ({@link disposeMiniBatch}).
 */
export interface MiniBatch {
  /** Features, `[size, featureSize]`, float32. */
  x: tf.Tensor2D;
  /** Class labels, `[size]`, int32. */
  y: tf.Tensor1D;
  /** Task labels, `[size]`, int32. */
  t: tf.Tensor1D;
  yValues: Int32Array;
  tValues: Int32Array;
  size: number;
}

/** A run of samples of one dataset. */
export type BatchPart = readonly [dataset: ClassificationDataset, indices: ArrayLike<number>];

/** Builds one mini-batch from the samples of `parts`, in order (one copy into one buffer, then one upload per tensor). */
export function gatherMiniBatch(parts: readonly BatchPart[]): MiniBatch {
  let size = 0;
  for (const [, idx] of parts) size += idx.length;
  const featureSize = parts[0]?.[0].featureSize ?? 0;
  const x = new Float32Array(size * featureSize);
  const yValues = new Int32Array(size);
  const tValues = new Int32Array(size);
  let row = 0;
  for (const [dataset, indices] of parts) {
    const targets = dataset.targets;
    const tasks = dataset.taskLabels;
    for (let k = 0; k < indices.length; k++, row++) {
      const i = indices[k]!;
      dataset.copyFeatures(i, x, row * featureSize);
      yValues[row] = targets[i]!;
      tValues[row] = tasks[i]!;
    }
  }
  return {
    x: tf.tensor2d(x, [size, featureSize], 'float32'),
    y: tf.tensor1d(yValues, 'int32'),
    t: tf.tensor1d(tValues, 'int32'),
    yValues,
    tValues,
    size,
  };
}

/** Disposes the tensors of a mini-batch. */
export function disposeMiniBatch(batch: MiniBatch | undefined): void {
  if (!batch) return;
  batch.x.dispose();
  batch.y.dispose();
  batch.t.dispose();
}
