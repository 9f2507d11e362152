import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import * as tfl from '#tfjs-layers';

/** Replaces every `*Initializer` entry of a layer config by zeros: the weights are overwritten anyway. */
function zeroInitializers(config: unknown): unknown {
  if (Array.isArray(config)) return config.map(zeroInitializers);
  if (typeof config !== 'object' || config === null) return config;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(config)) {
    out[k] = k.endsWith('Initializer') && v !== null ? { className: 'Zeros', config: {} } : zeroInitializers(v);
  }
  return out;
}

/**
 * A copy of a tfjs model made from its config and its weights — the way the tensor
 * layer's model codec stores models. No initializer runs, so no random number is drawn.
 * Layer flags in the config (`trainable`) carry over.
 */
export function cloneLayersModel<M extends tfl.LayersModel>(model: M): M {
  const config = zeroInitializers(JSON.parse(JSON.stringify(model.getConfig()))) as tf.serialization.ConfigDict;
  const copy = (
    model instanceof tfl.Sequential
      ? tfl.Sequential.fromConfig(tfl.Sequential, config, {}, true)
      : tfl.LayersModel.fromConfig(tfl.LayersModel, config, {}, true)
  ) as tfl.LayersModel;
  copy.setWeights(model.getWeights());
  return copy as M;
}
