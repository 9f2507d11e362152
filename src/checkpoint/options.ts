import type { Registry } from '../registry/index.js';
import type { TensorLoadOptions, TensorSaveOptions } from '../tensor/index.js';

/**
 * Options of `serialize` and `save`: these, and the tensor layer's save options
 * (`deviceTag`), which reach the tensor codecs as their typed `ctx.options`.
 */
export interface SerializeOptions extends TensorSaveOptions {
  /** The registry that says how classes are stored. Default: the default registry. */
  registry?: Registry;
  /** Free-form strings stored in the header (shown by `reprise inspect`). */
  metadata?: Readonly<Record<string, string>>;
  /** Deepest nesting accepted; deeper is `DEPTH_LIMIT`. Default: no limit (the graph walks are iterative: depth costs memory, not stack). */
  maxDepth?: number;
}

/**
 * Options of `deserialize` and `load`: these, and the tensor layer's load options
 * (`mapLocation`), which reach the tensor and `Device` codecs as their typed `ctx.options`.
 */
export interface DeserializeOptions extends TensorLoadOptions {
  /** The registry to look classes up in. Default: the default registry. */
  registry?: Registry;
  /**
   * Live objects (or an array of them) whose `deduplicate: true` instances are reused
   * instead of rebuilding equal ones from the file. Pass the benchmark.
   */
  uniqueObjects?: unknown;
  /** Verify every section's checksum. Default true. */
  verifyChecksums?: boolean;
  /** Deepest nesting accepted; deeper is `DEPTH_LIMIT`. Default: no limit (the graph walks are iterative: depth costs memory, not stack). */
  maxDepth?: number;
  /**
   * What to do when the file was saved on another tensor backend, whose floats differ,
   * so that resuming is no longer bit-exact: `warn` (default, a process warning with
   * code `REPRISE_BACKEND_MISMATCH`), `ignore` or `error` (`CheckpointError` `BACKEND_MISMATCH`).
   */
  onBackendMismatch?: 'warn' | 'ignore' | 'error';
}
