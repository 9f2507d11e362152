import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { CLModel } from './cl-model.js';

/** One weight of a model under its stable name. */
export interface NamedParameter {
  /** `<part>.<layer index>.<weight>`, e.g. `features.0.kernel`, `heads.3.0.bias`. */
  name: string;
  variable: tf.Variable;
  /** False when its layer is frozen. */
  trainable: boolean;
}

interface LayerVariableLike {
  originalName: string;
  read(): tf.Variable;
}

/**
 * Every weight of `model` under a name that does not depend on tfjs's process-wide
 * name counters, so it is the same in a resumed process (the original's
 * `named_parameters`). Order: parts, then layers, then weights.
 */
export function namedParameters(model: CLModel): NamedParameter[] {
  const out: NamedParameter[] = [];
  for (const [part, layersModel] of model.parts()) {
    layersModel.layers.forEach((layer, li) => {
      const trainable = new Set<unknown>(layer.trainableWeights);
      for (const w of layer.weights as unknown as LayerVariableLike[]) {
        const short = w.originalName.slice(w.originalName.lastIndexOf('/') + 1);
        out.push({ name: `${part}.${li}.${short}`, variable: w.read(), trainable: trainable.has(w) });
      }
    });
  }
  return out;
}

/** The variables an optimizer updates: the trainable weights, in {@link namedParameters} order. */
export function trainableVariables(model: CLModel): tf.Variable[] {
  const out: tf.Variable[] = [];
  for (const [, layersModel] of model.parts()) {
    for (const w of layersModel.trainableWeights as unknown as LayerVariableLike[]) out.push(w.read());
  }
  return out;
}

/** Freezes (or unfreezes) every layer of `layersModel`; the flag is part of the layer's config, so copies keep it. */
export function setTrainable(layersModel: tfl.LayersModel, trainable: boolean): void {
  for (const layer of layersModel.layers) layer.trainable = trainable;
}
