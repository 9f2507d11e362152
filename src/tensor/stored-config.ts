import * as tf from '#tfjs-core';
import { CheckpointFormatError } from '../errors.js';

/** Keys refused in a stored config: they could reach an object's prototype when tfjs copies the config. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses a tfjs config (a model's `getConfig()`, an optimizer's) stored as JSON, into
 * fresh objects that tfjs may mutate (`fromConfig` does). Refuses keys that could
 * pollute prototypes and every `className` that is not registered with
 * `tf.serialization.registerClass` in this process (so the only classes a file can
 * name are the ones tfjs-layers and the user registered). Inverse: `JSON.stringify`.
 *
 * @throws CheckpointFormatError `BAD_STORED_CONFIG` (with `path`) when the JSON is malformed or
 *   holds a refused key; `UNKNOWN_CLASS` when it names an unregistered class.
 */
export function parseStoredConfig(json: unknown, path: string): Record<string, unknown> {
  if (typeof json !== 'string') throw new CheckpointFormatError('BAD_STORED_CONFIG', `a stored tfjs config must be a JSON string, found ${typeof json}`, { path });
  const classes = tf.serialization.SerializationMap.getMap().classNameMap;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json, (key, value: unknown) => {
      if (FORBIDDEN_KEYS.has(key)) throw new CheckpointFormatError('BAD_STORED_CONFIG', `a stored tfjs config holds the key "${key}"`, { path });
      if (key === 'className' && typeof value === 'string' && !Object.hasOwn(classes, value)) {
        throw new CheckpointFormatError(
          'UNKNOWN_CLASS',
          `the stored model names the tfjs class "${value}", not registered here; register custom layers with tf.serialization.registerClass before loading`,
          { path },
        );
      }
      return value;
    });
  } catch (err) {
    if (err instanceof CheckpointFormatError) throw err;
    throw new CheckpointFormatError('BAD_STORED_CONFIG', `a stored tfjs config is not valid JSON: ${(err as Error).message}`, { path, cause: err });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new CheckpointFormatError('BAD_STORED_CONFIG', 'a stored tfjs config must be a JSON object', { path });
  }
  return parsed as Record<string, unknown>;
}
