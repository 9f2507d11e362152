import type { Registry } from '../registry/index.js';
import type { Device, MapLocation } from '../tensor/index.js';

/** Options of `serialize` and `save`. */
export interface SerializeOptions {
  /** The registry that says how classes are stored. Default: the default registry. */
  registry?: Registry;
  /**
   * Device tag to record for every tensor instead of the one of the backend it lives
   * on (`cpu` here), or a function of the tensor. Default: the backend's own tag.
   * Lets a machine without a GPU write a checkpoint tagged `cuda:0`, as one written on a GPU would be.
   */
  deviceTag?: string | Device | ((tensor: unknown) => string | Device);
  /** Free-form strings stored in the header (shown by `reprise inspect`). */
  metadata?: Readonly<Record<string, string>>;
  /** Deepest nesting accepted. Default 2500. */
  maxDepth?: number;
}

/** Options of `deserialize` and `load`. */
export interface DeserializeOptions {
  registry?: Registry;
  /**
   * Where tensors and `Device` objects go: a tag or `Device` (every accelerator tag goes
   * there; `cpu` stays `cpu`, as in the original, which never moves CPU checkpoints to
   * CUDA), a record of tag to tag (`{ 'cuda:0': 'cpu' }`, or `{ cuda: 'cpu' }` for every
   * `cuda:N`; other tags unchanged), or a function of (tensor info or null for a
   * `Device`, tag). Default: no mapping; a tag this process cannot serve is then a
   * `DeviceMappingError` naming the tag and the mapping that would fix it.
   */
  mapLocation?: MapLocation;
  /**
   * Live objects (or an array of them) whose `deduplicate: true` instances are reused
   * instead of rebuilding equal ones from the file. Pass the benchmark.
   */
  uniqueObjects?: unknown;
  /** Verify every section's checksum. Default true. */
  verifyChecksums?: boolean;
  maxDepth?: number;
  /**
   * What to do when the file was saved on another tensor backend, whose floats differ,
   * so that resuming is no longer bit-exact: `warn` (default, a process warning with
   * code `REPRISE_BACKEND_MISMATCH`), `ignore` or `error` (`CheckpointError` `BACKEND_MISMATCH`).
   */
  onBackendMismatch?: 'warn' | 'ignore' | 'error';
}
