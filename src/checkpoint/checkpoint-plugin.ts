import { CheckpointStorageError } from '../errors.js';
import { serializable } from '../registry/index.js';
import type { DeserializeOptions } from './options.js';
import { announce, decodeRunCheckpoint, packRunCheckpoint, restoreRun, type CheckpointableStrategy, type SaveCheckpointOptions } from './run-checkpoint.js';
import type { CheckpointStorage } from './storage.js';

/**
 * Every option of `load` (`mapLocation`, `uniqueObjects`, `registry`, `verifyChecksums`,
 * `maxDepth`, `onBackendMismatch`) and of `saveCheckpoint` (`exclude`, `deviceTag`,
 * `metadata`, …), passed on to each load and save, and the plugin's own.
 */
export interface CheckpointPluginOptions extends DeserializeOptions, SaveCheckpointOptions {
  /** Keep only the newest N checkpoints; default: keep all. */
  keepLast?: number;
  /** Print nothing when a checkpoint is loaded. Default: print one line (or `REPRISE_QUIET=1`). */
  quiet?: boolean;
}

type PluggedStrategy = CheckpointableStrategy & { isTraining?: boolean };

/**
 * Saves the strategy into a {@link CheckpointStorage} at the end of every eval phase
 * that follows training, named by the number of trained experiences, and loads the
 * newest one with {@link CheckpointPlugin.loadCheckpointIfExists}. Add it to the
 * strategy's plugins. Its own configuration (storage, mapLocation, …) is never stored:
 * the plugin of the running process is the one kept after a load.
 *
 * @example
 * ```ts
 * const checkpointPlugin = new CheckpointPlugin(new FileSystemCheckpointStorage({ directory: './checkpoints' }), { mapLocation: device });
 * let [strategy, initialExp] = await checkpointPlugin.loadCheckpointIfExists();
 * strategy ??= new Naive({ ..., plugins: [checkpointPlugin, new ReplayPlugin({ memSize: 500 })] });
 * ```
 */
@serializable({ name: 'reprise.CheckpointPlugin', exclude: ['storage', 'options'] })
export class CheckpointPlugin {
  constructor(
    readonly storage: CheckpointStorage,
    readonly options: CheckpointPluginOptions = {},
  ) {
    if (!storage || typeof storage.storeCheckpoint !== 'function') {
      throw new CheckpointStorageError('BAD_OPTIONS', 'CheckpointPlugin needs a CheckpointStorage as its first argument');
    }
    if (options.keepLast !== undefined && (!Number.isInteger(options.keepLast) || options.keepLast < 1)) {
      throw new CheckpointStorageError('BAD_OPTIONS', `keepLast must be a positive integer, got ${options.keepLast}`);
    }
  }

  /** Numeric checkpoint names in the storage, oldest first. */
  async checkpointNumbers(): Promise<number[]> {
    const names = await this.storage.listCheckpoints();
    return names.filter((n) => /^\d{1,9}$/.test(n)).map(Number).sort((a, b) => a - b);
  }

  /**
   * Loads the newest checkpoint of the storage: `[strategy, initialExp]`, or
   * `[null, 0]` when the storage holds none. The loaded strategy carries its restored
   * plugins, metrics and loggers — do not create them again — with this plugin in
   * place of the stored one; the random generators are restored too.
   */
  async loadCheckpointIfExists<S extends object = PluggedStrategy>(): Promise<[S | null, number]> {
    const numbers = await this.checkpointNumbers();
    if (numbers.length === 0) return [null, 0];
    const name = String(numbers[numbers.length - 1]);
    const bytes = await this.storage.loadCheckpoint(name);
    const { checkpoint, stats } = decodeRunCheckpoint(bytes, this.options);
    const strategy = checkpoint.strategy as PluggedStrategy;
    const report = restoreRun(strategy, checkpoint, stats, (p) => p instanceof CheckpointPlugin);
    if (Array.isArray(strategy.plugins)) {
      strategy.plugins = strategy.plugins.map((p) => (p instanceof CheckpointPlugin ? this : p));
    }
    announce(`checkpoint "${name}"`, checkpoint.expCounter, report, this.options.quiet);
    return [strategy as unknown as S, checkpoint.expCounter];
  }

  /** Saves now, under the number of trained experiences, and prunes to `keepLast`. */
  async saveCheckpoint(strategy: PluggedStrategy): Promise<string> {
    const name = String(strategy.clock?.trainExpCounter ?? 0);
    const packed = packRunCheckpoint(strategy, this.options);
    await this.storage.storeCheckpoint(name, packed.chunks);
    const { keepLast } = this.options;
    if (keepLast !== undefined && this.storage.deleteCheckpoint) {
      const numbers = await this.checkpointNumbers();
      for (const n of numbers.slice(0, Math.max(0, numbers.length - keepLast))) await this.storage.deleteCheckpoint(String(n));
    }
    return name;
  }

  /** Strategy callback: saves after an eval phase that is not a periodic eval inside training, once training has started. */
  async afterEval(strategy: PluggedStrategy): Promise<void> {
    if (strategy.isTraining) return;
    if ((strategy.clock?.trainExpCounter ?? 0) === 0) return;
    await this.saveCheckpoint(strategy);
  }
}
