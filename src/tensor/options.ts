import type * as tf from '@tensorflow/tfjs-core';
import type { DecodeContext, EncodeContext } from '../registry/index.js';
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
   * Where tensors and `Device` objects go: a tag or `Device` (every accelerator tag goes
   * there; `cpu` stays `cpu`, as in the original, which never moves CPU checkpoints to
   * CUDA), a record of tag to tag (`{ 'cuda:0': 'cpu' }`, or `{ cuda: 'cpu' }` for every
   * `cuda:N`; other tags unchanged), or a function of (tensor info or null for a
   * `Device`, tag); see {@link MapLocation}. Default: no mapping; a tag this process
   * cannot serve is then a `DeviceMappingError` naming the tag and the mapping that
   * would fix it. Inverse: `deviceTag` on save.
   */
  mapLocation?: MapLocation;
}

/** What the tensor codecs see while saving: `ctx.options` are the save options, typed. */
export type TensorEncodeContext = EncodeContext<TensorSaveOptions>;

/** What the tensor codecs see while loading: `ctx.options` are the load options, typed. */
export type TensorDecodeContext = DecodeContext<TensorLoadOptions>;
