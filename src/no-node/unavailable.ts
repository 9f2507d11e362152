import { CheckpointError } from '../errors.js';

/**
 * Outside Node, package.json `imports` maps `#node-fs`, `#node-path`, `#node-crypto` and
 * `#node-module` to modules whose functions throw this: a clear `UNSUPPORTED_PLATFORM`
 * error when a file-system function is called, instead of a bundler error at build time.
 */
export function unavailable(name: string, needs = "Node's file system"): (...args: unknown[]) => never {
  return () => {
    throw new CheckpointError(
      'UNSUPPORTED_PLATFORM',
      `${name} needs ${needs}, which this platform lacks; in a browser or worker keep checkpoints in "indexeddb://database/prefix", "opfs://folder" or MemoryCheckpointStorage`,
    );
  };
}

/** An object every property of which is a function throwing {@link unavailable}'s error. */
export function unavailableNamespace(name: string): Record<string, (...args: unknown[]) => never> {
  return new Proxy({}, { get: (_t, key) => unavailable(`${name}.${String(key)}`) });
}
