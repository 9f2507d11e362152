import { CheckpointError, CheckpointFormatError, DeviceMappingError, UsageError } from '../errors.js';
import { servableDeviceTags } from './backend.js';
import { Device, deviceFrom } from './device.js';

/** What a `mapLocation` function learns about the value being placed; `null` for a `Device` object. */
export interface TensorPlacementInfo {
  dtype: string;
  shape: readonly number[];
  /** The variable's stored name, for `tf.Variable`s. */
  name?: string;
}

/**
 * Where tensors (and `Device` objects) stored under one device tag are placed on load,
 * like `map_location` of `torch.load`:
 *
 * - a string or {@link Device} (`'cpu'`, `new Device('cuda:1')`): every accelerator tag
 *   goes there; tags of type `cpu` stay `cpu` (the original's rule: CUDA→CPU and
 *   cuda:0→cuda:1 are fine, CPU→CUDA is not done);
 * - a record (`{ 'cuda:0': 'cpu' }`): a tag that is a key is mapped, matching the exact
 *   tag first and then its bare type (`{ cuda: 'cpu' }` covers every `cuda:N`); any other
 *   tag is left unchanged;
 * - a function `(info, tag) => string | Device`: its result; `info` is `null` for `Device` objects.
 *
 * Default (`undefined`): no mapping; every tag must be one this process can serve.
 */
export type MapLocation =
  | string
  | Device
  | Readonly<Record<string, string | Device>>
  | ((info: TensorPlacementInfo | null, tag: string) => string | Device);

/**
 * The device a value stored under `tag` is placed on here, after applying `mapLocation`.
 *
 * @param tag the device tag recorded in the checkpoint (`cpu`, `cuda:0`, …).
 * @param mapLocation the user's mapping; see {@link MapLocation}. Default: none.
 * @param info what is being placed (dtype, shape, name), or `null` for a `Device` object.
 * @param path the graph path, for errors.
 * @returns the device to use; always one this process can serve (see `servableDeviceTags`).
 * @throws CheckpointFormatError `BAD_DEVICE` when `tag` is not a device tag;
 *   CheckpointError `BAD_DEVICE` when the mapping yields something that is not a device,
 *   `BAD_MAP_LOCATION` when `mapLocation` has an unsupported type, `MAP_LOCATION_FAILED`
 *   when a mapping function throws; DeviceMappingError (`DEVICE_MAPPING`) when the result
 *   cannot be served here.
 */
export function resolveDevice(
  tag: string,
  mapLocation: MapLocation | undefined,
  info: TensorPlacementInfo | null,
  path = '',
): Device {
  let stored: Device;
  try {
    stored = Device.parse(tag);
  } catch (err) {
    throw new CheckpointFormatError('BAD_DEVICE', `the checkpoint records ${JSON.stringify(tag)} as a device tag, which is not one`, {
      path,
      cause: err,
    });
  }
  const target = applyMapLocation(stored, mapLocation, info, path);
  if (!isServable(target)) {
    const servable = [...servableDeviceTags()].join(', ');
    const mapped = target.equals(stored) ? '' : ` (mapLocation sent it to "${target}")`;
    throw new DeviceMappingError(
      stored.toString(),
      `the checkpoint holds ${info ? `a ${info.dtype} tensor` : 'a Device'} on "${stored}"${mapped}, which this process cannot serve ` +
        `(it serves: ${servable}); load with mapLocation: 'cpu' or { '${stored}': 'cpu' }`,
      path,
    );
  }
  return target;
}

function applyMapLocation(stored: Device, mapLocation: MapLocation | undefined, info: TensorPlacementInfo | null, path: string): Device {
  if (mapLocation === undefined || mapLocation === null) return stored;
  if (typeof mapLocation === 'string' || mapLocation instanceof Device) {
    const target = deviceFrom(mapLocation, path, 'mapLocation');
    return stored.type === 'cpu' ? stored : target;
  }
  if (typeof mapLocation === 'function') {
    let result: string | Device;
    try {
      result = mapLocation(info, stored.toString());
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('MAP_LOCATION_FAILED', `the mapLocation function threw for device "${stored}": ${(err as Error)?.message}`, {
        path,
        cause: err,
      });
    }
    return deviceFrom(result, path, `mapLocation("${stored}")`);
  }
  if (typeof mapLocation === 'object') {
    const record = mapLocation as Readonly<Record<string, string | Device>>;
    for (const key of [stored.toString(), stored.type]) {
      if (Object.hasOwn(record, key)) return deviceFrom(record[key]!, path, `mapLocation["${key}"]`);
    }
    return stored;
  }
  throw new UsageError(
    'BAD_MAP_LOCATION',
    `mapLocation must be a device tag, a Device, a record of tags or a function; got ${typeof mapLocation}`,
    { path },
  );
}

function isServable(device: Device): boolean {
  const servable = servableDeviceTags();
  if (servable.has(device.toString())) return true;
  // `cuda` without an index means "the current one of that type".
  return device.index === null && [...servable].some((tag) => Device.parse(tag).type === device.type);
}
