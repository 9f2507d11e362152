import { Checked } from './decoder-frame.js';
import { Tag } from './tags.js';

/**
 * What an opaque stand-in stands for. When verifying, a codec's `check` sees its value's
 * plain data built, and in place of anything that only loading builds (a function, a
 * codec value, a class instance, …) an opaque stand-in object; this tells which.
 */
export interface StandIn {
  kind: 'function' | 'codec' | 'class' | 'constructor' | 'other';
  /** The registered name of a function or the codec name of a codec value. */
  name?: string;
}

/**
 * The {@link StandIn} description of `value` when it is one of the decoder's stand-ins
 * (verify/inspect), else `undefined` (a primitive, or plain data the decoder built).
 */
export function standInOf(value: unknown): StandIn | undefined {
  if (!(value instanceof Checked)) return undefined;
  switch (value.tag) {
    case Tag.FUNCTION:
      return { kind: 'function', name: value.name };
    case Tag.CODEC:
      return { kind: 'codec', name: value.name };
    case Tag.CLASS_FIELDS:
    case Tag.CLASS_STATE:
      return { kind: 'class' };
    case Tag.CONSTRUCTOR:
      return { kind: 'constructor' };
    default:
      return { kind: 'other' };
  }
}
