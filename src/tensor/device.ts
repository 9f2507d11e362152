import { CheckpointError } from '../errors.js';

const DEVICE_PATTERN = /^([a-z][a-z0-9_]*)(?::(\d{1,4}))?$/;

/**
 * A compute device, as written in checkpoints: `cpu`, `cuda:0`, `cuda:1`, …
 * Parse with `new Device('cuda:0')` or `Device.parse`, print with `toString()`.
 */
export class Device {
  /** `cpu`, `cuda`, … */
  readonly type: string;
  /** The device index (`0` in `cuda:0`), or `null` when the tag has none. */
  readonly index: number | null;

  constructor(spec: string | Device) {
    if (spec instanceof Device) {
      this.type = spec.type;
      this.index = spec.index;
      return;
    }
    const match = typeof spec === 'string' ? DEVICE_PATTERN.exec(spec) : null;
    if (!match) {
      throw new CheckpointError(
        'BAD_DEVICE',
        `not a device tag: ${JSON.stringify(spec)}; expected "cpu", "cuda:0" or another "type" / "type:index"`,
      );
    }
    this.type = match[1]!;
    this.index = match[2] === undefined ? null : Number(match[2]);
  }

  static parse(spec: string | Device): Device {
    return spec instanceof Device ? spec : new Device(spec);
  }

  /** The tag, e.g. `cuda:0`. */
  toString(): string {
    return this.index === null ? this.type : `${this.type}:${this.index}`;
  }

  toJSON(): string {
    return this.toString();
  }

  equals(other: string | Device): boolean {
    return this.toString() === Device.parse(other).toString();
  }
}

/**
 * `spec` as a Device, where `what` (an option, e.g. `mapLocation["cuda:0"]`) gave it: a
 * Device, or a tag string such as `"cpu"` or `"cuda:0"`.
 * @throws `Err` (CheckpointError by default) `BAD_DEVICE`, with `path`, for anything else.
 */
export function deviceFrom(spec: unknown, path: string, what: string, Err: typeof CheckpointError = CheckpointError): Device {
  if (spec instanceof Device) return spec;
  if (typeof spec === 'string') {
    try {
      return Device.parse(spec);
    } catch (err) {
      throw new Err('BAD_DEVICE', `${what} gave ${JSON.stringify(spec)}, which is not a device tag such as "cpu" or "cuda:0"`, { path, cause: err });
    }
  }
  throw new Err('BAD_DEVICE', `${what} gave a ${typeof spec}; expected a device tag such as "cpu" or a Device`, { path });
}
