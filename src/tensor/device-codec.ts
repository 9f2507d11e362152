import { CheckpointFormatError } from '../errors.js';
import type { Registry } from '../registry/index.js';
import { Device } from './device.js';
import { resolveDevice } from './map-location.js';
import type { TensorDecodeContext } from './options.js';

/** Stable name of the `Device` codec. */
export const DEVICE_CODEC_NAME = 'reprise.Device';

/**
 * Registers the codec that stores a {@link Device} as its tag and, on load, remaps it
 * through the same `mapLocation` as the tensors (as the original does for
 * `torch.device`), so `strategy.device` follows the tensors.
 * Decoding throws `DeviceMappingError` when the (mapped) device cannot be served here.
 */
export function registerDeviceCodec(registry: Registry): void {
  registry.registerCodec(Device, {
    name: DEVICE_CODEC_NAME,
    encode: (device: Device) => device.toString(),
    decode: decodeDevice,
    // Pure (a tag in, a Device out): verify runs it as it is, so an unservable tag fails both alike.
    check: (tag: unknown, ctx: TensorDecodeContext) => void decodeDevice(tag, ctx),
  });
}

function decodeDevice(tag: unknown, ctx: TensorDecodeContext): Device {
  if (typeof tag !== 'string') {
    throw new CheckpointFormatError('BAD_DEVICE', `a stored Device must be a tag string, found ${typeof tag}`, { path: ctx.path() });
  }
  return resolveDevice(tag, ctx.options.mapLocation, null, ctx.path());
}
