import { loadTfjsLayers } from '#tfjs-layers-lazy';
import type { DeferredCodecs, Registry } from '../registry/index.js';
import { LAYERS_MODEL_CODEC_NAME, registerModelCodecs, SEQUENTIAL_CODEC_NAME } from './model-codec.js';

/** `className` of the tfjs-layers model classes: `tf.Sequential`, `tf.LayersModel` (`'Model'`) and its `Functional` subclass. */
const MODEL_CLASS_NAMES: ReadonlySet<unknown> = new Set(['Sequential', 'Model', 'Functional']);

/**
 * Whether an object whose prototype chain starts at `proto` may be a tfjs-layers model:
 * some class on the chain has the static `className` of one (tfjs classes carry it for
 * `tf.serialization`). Loads nothing and runs no getter: a model the user holds came from
 * tfjs-layers, which is then loaded already, and only then is it worth loading here.
 */
export function mayBeLayersModel(proto: object): boolean {
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const ctor: unknown = Object.getOwnPropertyDescriptor(p, 'constructor')?.value;
    if (typeof ctor === 'function' && MODEL_CLASS_NAMES.has(Object.getOwnPropertyDescriptor(ctor, 'className')?.value)) return true;
  }
  return false;
}

/**
 * The model codecs (`tf.Sequential`, `tf.LayersModel`; see `registerModelCodecs`),
 * registered on first need: when a saved value may be a model (`mayBeLayersModel`) or a
 * file names one of them. Only then is tfjs-layers loaded (`#tfjs-layers-lazy`), so an
 * engine user who saves no model never loads it.
 */
export const DEFERRED_MODEL_CODECS: DeferredCodecs = {
  names: [SEQUENTIAL_CODEC_NAME, LAYERS_MODEL_CODEC_NAME],
  mayHandle: mayBeLayersModel,
  register(registry: Registry): void {
    loadTfjsLayers();
    registerModelCodecs(registry);
  },
};
