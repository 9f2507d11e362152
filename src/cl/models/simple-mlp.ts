import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import * as tfl from '#tfjs-layers';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { requireInteger } from '../benchmarks/dataset.js';
import type { CLModel } from './cl-model.js';
import { cloneLayersModel } from './clone.js';

export interface SimpleMLPOptions {
  /** Default 10. */
  numClasses?: number;
  /** Default 784 (28 × 28). */
  inputSize?: number;
  /** Default 512. */
  hiddenSize?: number;
  /** Number of Dense → ReLU → Dropout blocks. Default 1. */
  hiddenLayers?: number;
  /** Default 0.5. */
  dropRate?: number;
}

/**
 * The original's `SimpleMLP`: `features` (Dense → ReLU → Dropout, `hiddenLayers`
 * times) then a Dense `classifier`, as two tfjs `Sequential` models so that
 * `asMultitask(model, 'classifier')` can replace the classifier by heads.
 * Weights are initialised by tfjs's defaults (Glorot uniform, zero bias), whose seeds
 * come from `Math.random`, hence from `RNGManager`.
 */
@serializable({ name: 'reprise.cl.SimpleMLP' })
export class SimpleMLP implements CLModel {
  readonly numClasses: number;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly hiddenLayers: number;
  readonly dropRate: number;
  features: tfl.Sequential;
  classifier: tfl.Sequential;

  /** @throws UsageError `BAD_CONFIG` for non-positive sizes or a drop rate outside [0, 1). */
  constructor(options: SimpleMLPOptions = {}) {
    this.numClasses = requireInteger(options.numClasses ?? 10, 1, '.numClasses');
    this.inputSize = requireInteger(options.inputSize ?? 28 * 28, 1, '.inputSize');
    this.hiddenSize = requireInteger(options.hiddenSize ?? 512, 1, '.hiddenSize');
    this.hiddenLayers = requireInteger(options.hiddenLayers ?? 1, 1, '.hiddenLayers');
    this.dropRate = options.dropRate ?? 0.5;
    if (!(this.dropRate >= 0 && this.dropRate < 1)) {
      throw new UsageError('BAD_CONFIG', `dropRate must be in [0, 1), got ${String(options.dropRate)}`, { path: '.dropRate' });
    }
    const layers: tfl.layers.Layer[] = [];
    for (let i = 0; i < this.hiddenLayers; i++) {
      layers.push(
        tfl.layers.dense({ units: this.hiddenSize, activation: 'relu', ...(i === 0 ? { inputShape: [this.inputSize] } : {}) }),
        tfl.layers.dropout({ rate: this.dropRate }),
      );
    }
    this.features = tfl.sequential({ layers });
    this.classifier = tfl.sequential({ layers: [tfl.layers.dense({ units: this.numClasses, inputShape: [this.hiddenSize] })] });
  }

  forward(x: tf.Tensor2D, _taskLabels: Int32Array, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const h = this.features.apply(x, { training }) as tf.Tensor2D;
      return this.classifier.apply(h, { training }) as tf.Tensor2D;
    });
  }

  parts(): Array<[string, tfl.LayersModel]> {
    return [
      ['features', this.features],
      ['classifier', this.classifier],
    ];
  }

  adaptation(): void {}

  clone(): SimpleMLP {
    const copy = Object.create(SimpleMLP.prototype) as SimpleMLP;
    Object.assign(copy, this, { features: cloneLayersModel(this.features), classifier: cloneLayersModel(this.classifier) });
    return copy;
  }

  dispose(): void {
    this.features.dispose();
    this.classifier.dispose();
  }
}
