import * as tf from '#tfjs-core';
import { createRequire } from 'node:module';
import { CheckpointError } from '../errors.js';
import { envVar } from '../platform.js';
import { setNativeGpuBuild, type BackendName } from './backend.js';
import type * as BackendSelect from './backend-select.js';

const require = createRequire(import.meta.url);
export type { BackendName };
let chosen: BackendName | undefined;
let announced = false;

/** True when the native `@tensorflow/tfjs-node` package is installed and loads. */
export function nativeBackendAvailable(): boolean {
  try {
    require.resolve('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/**
 * Chooses and initialises the tensor backend once per process: the native
 * `@tensorflow/tfjs-node` when installed, else WebAssembly, else plain JavaScript.
 * `preferred` (or the `REPRISE_BACKEND` environment variable) forces one; forcing one
 * that cannot start throws `CheckpointError` with code `BACKEND_UNAVAILABLE`.
 * The choice is printed once to stderr unless `quiet` (or `REPRISE_QUIET=1`).
 *
 * @returns the backend now in use.
 */
export async function initBackend(
  options: { preferred?: BackendName; quiet?: boolean } = {},
): Promise<BackendName> {
  const preferred = options.preferred ?? (envVar('REPRISE_BACKEND') as BackendName | undefined);
  if (preferred !== undefined && !['tensorflow', 'wasm', 'cpu'].includes(preferred)) {
    throw new CheckpointError('BACKEND_UNAVAILABLE', `unknown backend "${preferred}"; choose tensorflow, wasm or cpu`);
  }
  if (chosen && (preferred === undefined || preferred === chosen)) return chosen;
  const order: BackendName[] = preferred ? [preferred] : ['tensorflow', 'wasm', 'cpu'];
  const failures: string[] = [];
  for (const name of order) {
    try {
      if (name === 'tensorflow') {
        if (!nativeBackendAvailable()) throw new Error('@tensorflow/tfjs-node is not installed');
        const native = (await import('@tensorflow/tfjs-node' as string)) as { version?: Record<string, string> };
        setNativeGpuBuild(native.version !== undefined && 'tfjs-node-gpu' in native.version);
      } else if (name === 'wasm') {
        // require(), not import(): an ES import of a CommonJS bundle scans its whole source first (see ./tfjs-core-node.ts).
        require('@tensorflow/tfjs-backend-wasm');
      } else {
        require('@tensorflow/tfjs-backend-cpu');
      }
      if (!(await tf.setBackend(name))) throw new Error(`tf.setBackend("${name}") returned false`);
      await tf.ready();
      chosen = name;
      break;
    } catch (err) {
      failures.push(`${name}: ${(err as Error).message}`);
    }
  }
  if (!chosen || (preferred && chosen !== preferred)) {
    throw new CheckpointError('BACKEND_UNAVAILABLE', `no tensor backend could start (${failures.join('; ')})`);
  }
  const quiet = options.quiet ?? envVar('REPRISE_QUIET') === '1';
  if (!announced && !quiet) {
    announced = true;
    process.stderr.write(`reprise: tensor backend "${chosen}"${failures.length ? ` (skipped ${failures.join('; ')})` : ''}\n`);
  }
  return chosen;
}


// Both per-platform modules match the types `#backend-select` declares.
({ initBackend, nativeBackendAvailable }) satisfies typeof BackendSelect;
