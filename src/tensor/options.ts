import type * as tf from '@tensorflow/tfjs';
import type { Device } from './device.js';
import type { MapLocation } from './map-location.js';

/** Options the tensor codecs read from `ctx.options` when saving. */
export interface TensorSaveOptions {
  /**
   * The device tag recorded for each tensor instead of the backend's own
   * (`currentDeviceTag()`), e.g. `'cuda:0'` to produce a checkpoint for a GPU machine
   * on a CPU one. A function is asked per tensor. Default: `currentDeviceTag()`.
   * `Device` objects in the graph keep their own tag. Inverse: `mapLocation` on load.
   */
  deviceTag?: string | Device | ((tensor: tf.Tensor) => string | Device);
}

/** Options the tensor codecs read from `ctx.options` when loading. */
export interface TensorLoadOptions {
  /**
   * Where tensors and `Device` objects stored under each device tag are placed; see
   * {@link MapLocation}. Default: no mapping, so every recorded tag must be servable
   * here, else `DeviceMappingError`. Inverse: `deviceTag` on save.
   */
  mapLocation?: MapLocation;
}
