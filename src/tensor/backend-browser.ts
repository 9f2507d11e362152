import * as tf from '@tensorflow/tfjs-core';
import { CheckpointError } from '../errors.js';
import type { BackendName } from './backend.js';
import type * as BackendSelect from './backend-select.js';

const ORDER: BackendName[] = ['webgl', 'wasm', 'cpu'];
let chosen: BackendName | undefined;

/** Outside Node there is no native backend. */
export function nativeBackendAvailable(): boolean {
  return false;
}

/**
 * Browser and worker backend selection: the first of webgl, wasm, cpu that the page has
 * registered (import `@tensorflow/tfjs`, or the backend packages you want) and that
 * starts; `preferred` forces one, and one that cannot start throws `CheckpointError`
 * with code `BACKEND_UNAVAILABLE`. Nothing is printed (`quiet` is accepted for the Node signature).
 *
 * @returns the backend now in use.
 */
export async function initBackend(options: { preferred?: BackendName; quiet?: boolean } = {}): Promise<BackendName> {
  const { preferred } = options;
  if (preferred !== undefined && !ORDER.includes(preferred)) {
    throw new CheckpointError('BACKEND_UNAVAILABLE', `unknown backend "${preferred}" in a browser; choose webgl, wasm or cpu`);
  }
  if (chosen && (preferred === undefined || preferred === chosen)) return chosen;
  const failures: string[] = [];
  for (const name of preferred ? [preferred] : ORDER) {
    try {
      if (!tf.findBackendFactory(name)) throw new Error('not registered');
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
      await tf.ready();
      chosen = name;
      return name;
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  throw new CheckpointError('BACKEND_UNAVAILABLE', `no tensor backend could start (${failures.join('; ')})`);
}

// Both per-platform modules match the types `#backend-select` declares.
({ initBackend, nativeBackendAvailable }) satisfies typeof BackendSelect;
