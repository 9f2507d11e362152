import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Experience } from '../benchmarks/experience.js';

/**
 * What a strategy needs from a model. Models are made of tfjs `LayersModel`s (see
 * {@link parts}) so that the tensor layer's model codec can store them.
 */
export interface CLModel {
  /**
   * Logits `[batch, classes]` for `x` `[batch, features]`; `taskLabels` holds one task
   * label per row (single-head models ignore it). `training` turns dropout on.
   */
  forward(x: tf.Tensor2D, taskLabels: Int32Array, training: boolean): tf.Tensor2D;
  /** The tfjs models this model is made of, each with a stable name, in a fixed order. */
  parts(): Array<[string, tfl.LayersModel]>;
  /** Grows the model for an experience before training or evaluating on it (new heads, new units). */
  adaptation(experience: Experience, training: boolean): void;
  /** A deep copy: same architecture and weights, no variable shared. */
  clone(): CLModel;
  /** Releases every variable. */
  dispose(): void;
}

/** A multi-head model: one output per task label. */
export interface MultiTaskModel extends CLModel {
  /** The logits of every head (masked as in `forward`) for all of `x`, by task label, ascending. */
  forwardAllTasks(x: tf.Tensor2D, training: boolean): Map<number, tf.Tensor2D>;
}

/** True for models that implement {@link MultiTaskModel}. */
export function isMultiTaskModel(model: CLModel): model is MultiTaskModel {
  return typeof (model as Partial<MultiTaskModel>).forwardAllTasks === 'function';
}
