import { defaultRegistry, type Registry } from '../registry/index.js';
import { registerDeviceCodec } from './device-codec.js';
import { registerModelCodecs } from './model-codec.js';
import { registerOptimizerCodecs } from './optimizer-codec.js';
import { registerTensorCodec } from './tensor-codec.js';
import { registerVariableCodec } from './variable-codec.js';

const registered = new WeakSet<Registry>();

/**
 * Registers every codec of the tensor layer in `registry`: `reprise.Device`,
 * `tf.Tensor`, `tf.Variable`, `tf.Sequential`, `tf.LayersModel` and the built-in
 * optimizers (`tf.SGDOptimizer`, `tf.MomentumOptimizer`, `tf.AdamOptimizer`,
 * `tf.AdamaxOptimizer`, `tf.AdagradOptimizer`, `tf.AdadeltaOptimizer`,
 * `tf.RMSPropOptimizer`). Idempotent: calling it again for the same registry does
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
  registerModelCodecs(registry);
  registerOptimizerCodecs(registry);
  registered.add(registry);
}
