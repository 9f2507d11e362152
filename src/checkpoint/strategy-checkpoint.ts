import * as fs from 'node:fs';
import { CheckpointStorageError } from '../errors.js';
import { writeAtomically } from '../format/index.js';
import { CheckpointPlugin } from './checkpoint-plugin.js';
import type { DeserializeOptions } from './options.js';
import {
  decodeRunCheckpoint,
  packRunCheckpoint,
  restoreRun,
  announce,
  type CheckpointableStrategy,
  type RestoreReport,
  type SaveCheckpointOptions,
} from './run-checkpoint.js';

/**
 * Saves a training run to `fname`, atomically: the strategy with its model, optimizer,
 * plugins, evaluator (metrics, loggers), the global states (the `RNGManager`'s
 * generators) and the number of finished training experiences. Fields named in
 * `exclude` are left out. Inverse: {@link maybeLoadCheckpoint}.
 * @throws what `serialize` throws (an unregistered class names its path), and
 *   CheckpointStorageError `STORE_FAILED` when the file cannot be written; the previous
 *   file is intact either way.
 * @example
 * ```ts
 * for (const exp of benchmark.trainStream.slice(initialExp)) {
 *   await strategy.train(exp);
 *   await strategy.eval(benchmark.testStream);
 *   await saveCheckpoint(strategy, 'run.reprise');
 * }
 * ```
 */
export async function saveCheckpoint(strategy: CheckpointableStrategy, fname: string, options: SaveCheckpointOptions = {}): Promise<void> {
  const packed = packRunCheckpoint(strategy, options);
  try {
    await writeAtomically(fname, packed.chunks);
  } catch (err) {
    throw new CheckpointStorageError('STORE_FAILED', `cannot write checkpoint ${fname}: ${(err as Error).message}; the previous checkpoint is untouched`, { cause: err });
  }
}

export interface MaybeLoadOptions extends DeserializeOptions {
  /** Called with what the restore found (fields only on one side, objects reused). */
  onReport?: (report: RestoreReport) => void;
  /** Do not print the "resuming" line to stderr. Default: `REPRISE_QUIET=1`. */
  quiet?: boolean;
}

/**
 * Restores a run saved by {@link saveCheckpoint} into the live `strategy`, in place,
 * random generators included, and returns it with the index of the next training
 * experience. A missing file returns the strategy untouched and 0, so it is safe on the
 * first run. Pass the benchmark as `uniqueObjects` and its datasets are reused, not
 * rebuilt. Nothing is changed unless the whole file loads.
 * @throws what `deserialize` throws; RestoreError `STRATEGY_MISMATCH` or
 *   `NOT_A_RUN_CHECKPOINT`.
 */
export async function maybeLoadCheckpoint<S extends object>(strategy: S, fname: string, options: MaybeLoadOptions = {}): Promise<[S, number]> {
  let bytes: Uint8Array;
  try {
    bytes = fs.readFileSync(fname); // see load(): faster than fs.promises for large files
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [strategy, 0];
    throw new CheckpointStorageError('LOAD_FAILED', `cannot read checkpoint ${fname}: ${(err as Error).message}`, { cause: err });
  }
  const { checkpoint, stats } = decodeRunCheckpoint(bytes, options);
  const report = restoreRun(strategy, checkpoint, stats, (p) => p instanceof CheckpointPlugin);
  options.onReport?.(report);
  announce(`${fname}`, checkpoint.expCounter, report, options.quiet);
  return [strategy, checkpoint.expCounter];
}
