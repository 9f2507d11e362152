import { defaultRegistry, type Registry } from '../registry/index.js';
import { registerDeviceCodec } from './device-codec.js';
import { DEFERRED_MODEL_CODECS } from './deferred-model-codecs.js';
import { registerOptimizerCodecs } from './optimizer-codec.js';
import { registerTensorCodec } from './tensor-codec.js';
import { registerVariableCodec } from './variable-codec.js';

const registered = new WeakSet<Registry>();

/**
 * Registers every codec of the tensor layer in `registry`: `reprise.Device`,
 * `tf.Tensor`, `tf.Variable`, `tf.Sequential`, `tf.LayersModel` and the built-in
 * optimizers (`tf.SGDOptimizer`, `tf.MomentumOptimizer`, `tf.AdamOptimizer`,
 * `tf.AdamaxOptimizer`, `tf.AdagradOptimizer`, `tf.AdadeltaOptimizer`,
 * `tf.RMSPropOptimizer`). The model codecs are deferred (`Registry.defer`): registered,
 * and tfjs-layers loaded, when the registry first meets a model or a file names one.
 * Idempotent: calling it again for the same registry does
 * nothing. Importing `src/tensor/index.ts` does it for the default registry.
 *
 * @param registry default: the default registry.
 * @throws RegistrationError when another class already holds one of these names.
 */
export function registerTensorCodecs(registry: Registry = defaultRegistry): void {
  if (registered.has(registry)) return;
  registerDeviceCodec(registry);
  registerTensorCodec(registry);
  registerVariableCodec(registry);
  registry.defer(DEFERRED_MODEL_CODECS); // tfjs-layers is loaded when a model is first met
  registerOptimizerCodecs(registry);
  registered.add(registry);
}
