import type * as tf from '@tensorflow/tfjs-core';
import { CheckpointError, UsageError } from '../errors.js';
import { currentDeviceTag } from './backend.js';
import { deviceFrom } from './device.js';
import type { TensorSaveOptions } from './options.js';

/**
 * The device tag to record for `tensor`: `options.deviceTag` when given (a tag, a
 * `Device`, or a function of the tensor), else `currentDeviceTag()`.
 *
 * @throws UsageError `BAD_DEVICE` (with `path`) when `deviceTag` is or returns
 *   something that is not a device tag.
 */
export function deviceTagFor(tensor: tf.Tensor, options: Readonly<TensorSaveOptions>, pathOf: () => string): string {
  const option = options.deviceTag;
  if (option === undefined || option === null) return currentDeviceTag();
  const path = pathOf(); // formatted only when a deviceTag option is given (it may throw with it)
  let spec: unknown = option;
  if (typeof option === 'function') {
    try {
      spec = option(tensor);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new UsageError('BAD_DEVICE', `the deviceTag function threw: ${(err as Error)?.message}`, { path, cause: err });
    }
  }
  return deviceFrom(spec, path, 'deviceTag', UsageError).toString();
}
