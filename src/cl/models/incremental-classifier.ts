import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import * as tfl from '#tfjs-layers';
import { serializable } from '../../registry/index.js';
import type { Experience } from '../benchmarks/experience.js';
import type { CLModel } from './cl-model.js';
import { cloneLayersModel } from './clone.js';
import { buildDenseHead, growDenseHead, splitClassifier, type HeadConfig } from './multitask.js';

/**
 * A trunk and one Dense classifier that grows with the classes, the original's
 * `IncrementalClassifier` (for class-incremental runs, where the number of classes is
 * not known in advance): before training on an experience the classifier widens to
 * `max(units, max class + 1)`, keeping the weights of its first units, and the
 * experience's classes become active. With `masking` (default) the units of classes not
 * yet trained on output `maskValue` (−1000), so they never win the arg-max.
 *
 * Unlike the original, evaluation does not widen the classifier (a class not yet
 * trained on is simply never predicted): evaluating changes no weight and draws no
 * random number, so a run's results do not depend on when it was evaluated.
 */
@serializable({ name: 'reprise.cl.IncrementalClassifier' })
export class IncrementalClassifier implements CLModel {
  classifier: tfl.Sequential;
  /** 1 for the units of classes trained on. */
  activeUnits: Uint8Array;
  masking = true;
  maskValue = -1000;

  constructor(
    /** The feature extractor. */
    public trunk: tfl.LayersModel,
    /** Width of the trunk's output. */
    readonly inFeatures: number,
    /** Units of the classifier before the first experience. */
    readonly initialOutFeatures: number,
    /** Dense config the classifier is built from (activation, initializers, bias, …). */
    readonly headConfig: HeadConfig,
  ) {
    this.classifier = buildDenseHead(headConfig, inFeatures, initialOutFeatures);
    this.activeUnits = new Uint8Array(initialOutFeatures);
  }

  /** Units of the classifier now. */
  get outFeatures(): number {
    return this.classifier.outputs[0]!.shape[1] as number;
  }

  forward(x: tf.Tensor2D, _taskLabels: Int32Array, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.trunk.apply(x, { training }) as tf.Tensor2D;
      const out = this.classifier.apply(h, { training }) as tf.Tensor2D;
      const active = this.activeUnits;
      if (!this.masking || active.every((a) => a === 1)) return out;
      const keep = tf.tensor2d(Float32Array.from(active), [1, active.length]);
      const fill = tf.tensor2d(Float32Array.from(active, (a) => (a ? 0 : this.maskValue)), [1, active.length]);
      return out.mul(keep).add(fill) as tf.Tensor2D;
    });
  }

  parts(): Array<[string, tfl.LayersModel]> {
    return [
      ['trunk', this.trunk],
      ['classifier', this.classifier],
    ];
  }

  /** When training: widens the classifier to the largest class + 1 and marks the experience's classes active. */
  adaptation(experience: Experience, training: boolean): void {
    if (!training) return;
    const classes = experience.classesInThisExperience;
    const wanted = Math.max(this.outFeatures, Math.max(...classes) + 1);
    if (wanted > this.outFeatures) this.classifier = growDenseHead(this.classifier, this.headConfig, this.inFeatures, wanted);
    const mask = new Uint8Array(wanted);
    mask.set(this.activeUnits);
    for (const c of classes) mask[c] = 1;
    this.activeUnits = mask;
  }

  clone(): IncrementalClassifier {
    const copy = Object.create(IncrementalClassifier.prototype) as IncrementalClassifier;
    Object.assign(copy, this, {
      trunk: cloneLayersModel(this.trunk),
      classifier: cloneLayersModel(this.classifier),
      activeUnits: this.activeUnits.slice(),
      headConfig: structuredClone(this.headConfig),
    });
    return copy;
  }

  dispose(): void {
    this.trunk.dispose();
    this.classifier.dispose();
  }
}

/**
 * Replaces the part named `classifierName` of a single-head model (a Sequential of one
 * Dense layer, as `SimpleMLP`'s `classifier`) by an {@link IncrementalClassifier} that
 * starts with that layer's number of units. The trunk is shared with `model`.
 * @throws CheckpointError `BAD_CONFIG` when the model has no such Dense part or more than one other part.
 *
 * @example
 * ```ts
 * const model = asIncremental(new SimpleMLP({ numClasses: 2 }), 'classifier'); // grows to 10 over SplitMNIST
 * ```
 */
export function asIncremental(model: CLModel, classifierName: string): IncrementalClassifier {
  const { trunk, inFeatures, units, config } = splitClassifier(model, classifierName, 'asIncremental');
  return new IncrementalClassifier(trunk, inFeatures, units, config);
}
