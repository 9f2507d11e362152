import { CheckpointStorageError } from '../errors.js';
import { serializable } from '../registry/index.js';
import type { MapLocation } from '../tensor/index.js';
import { announce, decodeRunCheckpoint, packRunCheckpoint, restoreRun, type CheckpointableStrategy } from './run-checkpoint.js';
import type { CheckpointStorage } from './storage.js';

export interface CheckpointPluginOptions {
  /** Where tensors and devices go on load; see `DeserializeOptions.mapLocation`. */
  mapLocation?: MapLocation;
  /** Live objects to reuse on load (pass the benchmark); see `DeserializeOptions.uniqueObjects`. */
  uniqueObjects?: unknown;
  /** Keep only the newest N checkpoints; default: keep all. */
  keepLast?: number;
  /** Strategy fields to leave out of every checkpoint. */
  exclude?: readonly string[];
  /** What to do when the checkpoint was saved on another tensor backend. Default `warn`. */
  onBackendMismatch?: 'warn' | 'ignore' | 'error';
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
    const { mapLocation, uniqueObjects, onBackendMismatch, quiet } = this.options;
    const { checkpoint, stats } = decodeRunCheckpoint(bytes, { mapLocation, uniqueObjects, onBackendMismatch });
    const strategy = checkpoint.strategy as PluggedStrategy;
    const report = restoreRun(strategy, checkpoint, stats, (p) => p instanceof CheckpointPlugin);
    if (Array.isArray(strategy.plugins)) {
      strategy.plugins = strategy.plugins.map((p) => (p instanceof CheckpointPlugin ? this : p));
    }
    announce(`checkpoint "${name}"`, checkpoint.expCounter, report, quiet);
    return [strategy as unknown as S, checkpoint.expCounter];
  }

  /** Saves now, under the number of trained experiences, and prunes to `keepLast`. */
  async saveCheckpoint(strategy: PluggedStrategy): Promise<string> {
    const name = String(strategy.clock?.trainExpCounter ?? 0);
    const packed = packRunCheckpoint(strategy, { exclude: this.options.exclude });
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
