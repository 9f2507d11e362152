import { CheckpointStorageError } from '../errors.js';
import { CheckpointPlugin } from './checkpoint-plugin.js';
import { describeLocation } from './storage.js';
import { storeCaptured } from './store-captured.js';
import { resolveCheckpointLocation, type CheckpointTarget } from './storage-schemes.js';
import type { DeserializeOptions } from './options.js';
import {
  readRunCheckpoint,
  captureRunCheckpoint,
  restoreRun,
  announce,
  type CheckpointableStrategy,
  type RestoreReport,
  type SaveCheckpointOptions,
} from './run-checkpoint.js';

/**
 * Saves a training run to `target` (a path, a `file://` or `s3://` URL, or
 * `{ storage, name }`), atomically and captured at the call (see `save`): the strategy with its model, optimizer,
 * plugins, evaluator (metrics, loggers), the global states (the `RNGManager`'s
 * generators) and the number of finished training experiences. Fields named in
 * `exclude` are left out. Inverse: {@link maybeLoadCheckpoint}.
 * @throws what `serialize` throws (an unregistered class names its path), and
 *   CheckpointStorageError `STORE_FAILED` when the checkpoint cannot be written; the
 *   previous one is intact either way.
 * @example
 * ```ts
 * for (const exp of benchmark.trainStream.slice(initialExp)) {
 *   await strategy.train(exp);
 *   await strategy.eval(benchmark.testStream);
 *   await saveCheckpoint(strategy, 'run.reprise');
 * }
 * ```
 */
export async function saveCheckpoint(strategy: CheckpointableStrategy, target: CheckpointTarget, options: SaveCheckpointOptions = {}): Promise<void> {
  const { storage, name } = resolveCheckpointLocation(target);
  await storeCaptured(storage, name, captureRunCheckpoint(strategy, options));
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
 * experience — for a checkpoint taken between two iterations (a strategy with a
 * `trainingPosition`), the experience it stopped in: `train` continues it at the next
 * iteration, so the loop from that index works for both kinds of checkpoints. A missing
 * checkpoint (the storage's `NOT_FOUND`, and nothing else) returns the strategy
 * untouched and 0, so it is safe on the first run; an unreadable or corrupt one throws.
 * Pass the benchmark as `uniqueObjects` and its datasets are reused, not
 * rebuilt. Nothing is changed unless the whole file loads.
 * @throws what `deserialize` throws; RestoreError `STRATEGY_MISMATCH` or
 *   `NOT_A_RUN_CHECKPOINT`; CheckpointStorageError `LOAD_FAILED`, `BAD_TARGET`.
 */
export async function maybeLoadCheckpoint<S extends object>(strategy: S, target: CheckpointTarget, options: MaybeLoadOptions = {}): Promise<[S, number]> {
  const { storage, name } = resolveCheckpointLocation(target);
  let read: Awaited<ReturnType<typeof readRunCheckpoint>>;
  try {
    read = await readRunCheckpoint(storage, name, options);
  } catch (err) {
    if (err instanceof CheckpointStorageError && err.code === 'NOT_FOUND') return [strategy, 0];
    throw err;
  }
  const { checkpoint, stats } = read;
  const report = restoreRun(strategy, checkpoint, stats, (p) => p instanceof CheckpointPlugin);
  options.onReport?.(report);
  announce(describeLocation(storage, name), checkpoint.expCounter, report, options.quiet, strategy as CheckpointableStrategy);
  return [strategy, checkpoint.expCounter];
}
