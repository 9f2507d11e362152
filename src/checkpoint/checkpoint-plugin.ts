import { emitWarning } from '../platform.js';
import { CheckpointError, CheckpointFormatError, CheckpointStorageError, UnsupportedVersionError } from '../errors.js';
import { serializable } from '../registry/index.js';
import type { DeserializeOptions } from './options.js';
import { readCheckpointHeader } from './read-checkpoint.js';
import { announce, captureRunCheckpoint, readRunCheckpoint, restoreRun, type CheckpointableStrategy, type SaveCheckpointOptions } from './run-checkpoint.js';
import { describeLocation, type CheckpointStorage } from './storage.js';
import { resolveStorage, type StorageTarget } from './storage-schemes.js';
import type { CapturedCheckpoint } from './serialize.js';
import { storeCaptured } from './store-captured.js';
import { failExitIfUnflushed } from '#stop-signal';

/** How long one checkpoint kept training waiting, and how long until it was stored. */
export interface CheckpointTiming {
  /** The checkpoint's name: the number of trained experiences, `"<k>.<i>"` for one after iteration i of experience k. */
  name: string;
  /** Milliseconds `saveCheckpoint` kept its caller (training) waiting: capture, plus waiting for the previous write. */
  blockedMs: number;
  /** Milliseconds from the call until the storage had the checkpoint (on a disk: synced). */
  durableMs: number;
}

/**
 * Every option of `load` (`mapLocation`, `uniqueObjects`, `registry`, `verifyChecksums`,
 * `maxDepth`, `onBackendMismatch`) and of `saveCheckpoint` (`exclude`, `deviceTag`,
 * `metadata`, …), passed on to each load and save, and the plugin's own.
 */
export interface CheckpointPluginOptions extends DeserializeOptions, SaveCheckpointOptions {
  /**
   * Keep only the newest N checkpoints *of this run*; default: keep all. Pruning deletes
   * only checkpoints whose header carries this run's id (a run continued by
   * `loadCheckpointIfExists` keeps its id), never the one just written, never files of
   * other runs or files that are not checkpoints. A failed deletion is a process warning
   * (`REPRISE_PRUNE_FAILED`), not a failed save.
   */
  keepLast?: number;
  /**
   * Write checkpoints in the background. Default false. When true, a save captures the
   * run (see `save`: the file holds the values at the call) and returns; training goes
   * on while the bytes are written. At most one write is in flight: the next save waits
   * for it. A failed write is a process warning at once (`REPRISE_CHECKPOINT_WRITE_FAILED`)
   * and a `CheckpointStorageError` `BACKGROUND_WRITE_FAILED` at the next save or
   * {@link CheckpointPlugin.flush} — never lost; if neither comes, the process exits with
   * code 1. Call `flush()` (or `StopSignal.exit()`) before the process ends.
   */
  writeInBackground?: boolean;
  /**
   * Also checkpoint every N training iterations (counted over the run, as the clock's
   * `trainIterations`), inside experiences. Default: only at the end of each eval phase.
   * Such a checkpoint holds everything to continue at the next iteration (the data
   * loader's pass, the clock, metric accumulators, plugins, generators); it is named
   * `"<k>.<i>"` — k trained experiences, i iterations into experience k — which sorts
   * after checkpoint `"<k>"` and before `"<k+1>"`, and `keepLast` prunes it like the others.
   */
  everyIterations?: number;
  /** Also checkpoint after the first training iteration that ends T seconds or more after the previous checkpoint. Default: off. */
  everySeconds?: number;
  /**
   * Called once each checkpoint is stored, with how long it blocked training. What it
   * throws, `saveCheckpoint` throws (with `writeInBackground`: the next save or
   * `flush()`, once); the checkpoint is stored either way.
   */
  onCheckpoint?: (timing: CheckpointTiming) => void;
  /** Print nothing when a checkpoint is loaded. Default: print one line (or `REPRISE_QUIET=1`). */
  quiet?: boolean;
}

type PluggedStrategy = CheckpointableStrategy & { isTraining?: boolean };

/**
 * A stored name that means checkpoint number `n` (`"5"`, or `"0005"` when no `"5"`
 * exists), or an iteration checkpoint `it` iterations into experience `n` (`"5.20"`);
 * `it` is 0 for an end-of-experience checkpoint, so (n, it) orders them all.
 */
interface NumberedName {
  n: number;
  it: number;
  name: string;
}

const NUMBERED = /^(\d{1,15})(?:\.(\d{1,15}))?$/;

/** The (n, it) of a checkpoint name, or undefined for a name that is not one. */
function parseNumbered(name: string): { n: number; it: number } | undefined {
  const m = NUMBERED.exec(name);
  if (m === null) return undefined;
  return { n: Number(m[1]), it: m[2] === undefined ? 0 : Number(m[2]) };
}

/** Oldest first: by experiences, then by iterations into the next one. */
function byAge(a: { n: number; it: number }, b: { n: number; it: number }): number {
  return a.n - b.n || a.it - b.it;
}

/** The name of a checkpoint of `strategy` now: `"<k>"`, or `"<k>.<i>"` inside experience k. */
function checkpointName(strategy: PluggedStrategy): string {
  const k = strategy.clock?.trainExpCounter ?? 0;
  if (strategy.trainingPosition === undefined || strategy.trainingPosition === null) return String(k);
  return `${k}.${strategy.clock?.trainExpIterations ?? 0}`;
}
const RUN_ID_KEY = 'runId';

/** The container-level codes: the bytes are not a (whole) checkpoint file. */
const NOT_A_CHECKPOINT = new Set<string>(['TRUNCATED', 'BAD_MAGIC', 'BAD_VERSION', 'TRAILING_BYTES', 'BAD_HEADER', 'HEADER_CHECKSUM', 'BAD_SECTION', 'BAD_PADDING', 'SECTION_CHECKSUM']);

/**
 * Bytes that are not a checkpoint (junk, truncated, corrupted). A newer format version
 * is not that (it says to upgrade), nor is a graph past the reader's `maxDepth`.
 */
function isFormatError(err: unknown): err is CheckpointFormatError {
  return err instanceof CheckpointFormatError && !(err instanceof UnsupportedVersionError) && NOT_A_CHECKPOINT.has(err.code);
}

/** Plugins with a background write in flight or an unreported failure, for {@link flushCheckpointWrites}. */
const pendingPlugins = new Set<CheckpointPlugin>();

/**
 * Waits for every `CheckpointPlugin`'s background write, and throws the first failure.
 * `StopSignal.exit()` calls it before exiting.
 */
export async function flushCheckpointWrites(): Promise<void> {
  let first: unknown;
  for (const plugin of [...pendingPlugins]) {
    try {
      await plugin.flush();
    } catch (err) {
      first ??= err;
    }
  }
  if (first !== undefined) throw first;
}

/**
 * Saves the strategy into a {@link CheckpointStorage} at the end of every eval phase
 * that follows training, named by the number of trained experiences, and loads the
 * newest one with {@link CheckpointPlugin.loadCheckpointIfExists}. Add it to the
 * strategy's plugins. Its own configuration (storage, options, run id) is never stored:
 * the plugin of the running process is the one kept after a load.
 *
 * The first argument is a storage, a folder path, or a URL (`s3://bucket/prefix`,
 * `file:///…`, or a scheme registered with `registerStorageScheme`).
 *
 * @example
 * ```ts
 * const checkpointPlugin = new CheckpointPlugin('./checkpoints', { mapLocation: device, writeInBackground: true });
 * let [strategy, initialExp] = await checkpointPlugin.loadCheckpointIfExists();
 * strategy ??= new Naive({ ..., plugins: [checkpointPlugin, new ReplayPlugin({ memSize: 500 })] });
 * // ... train ...
 * await checkpointPlugin.flush();
 * ```
 */
export class CheckpointPlugin {
  readonly storage: CheckpointStorage;
  #runId: string | undefined;
  #inFlight: Promise<void> | undefined;
  #failure: { error: unknown } | undefined;
  #timings: CheckpointTiming[] = [];
  /** When the last checkpoint of this process was saved (or training first seen), for `everySeconds`. */
  #lastSaveAt: number | undefined;

  constructor(
    storage: StorageTarget,
    readonly options: CheckpointPluginOptions = {},
  ) {
    if (storage === undefined || storage === null) {
      throw new CheckpointStorageError('BAD_OPTIONS', 'CheckpointPlugin needs a CheckpointStorage, a folder path or a URL as its first argument');
    }
    try {
      this.storage = resolveStorage(storage);
    } catch (err) {
      if (err instanceof CheckpointStorageError && err.code === 'BAD_TARGET') {
        throw new CheckpointStorageError('BAD_OPTIONS', `CheckpointPlugin needs a CheckpointStorage, a folder path or a URL: ${err.message}`, { cause: err });
      }
      throw err;
    }
    if (options.keepLast !== undefined && (!Number.isInteger(options.keepLast) || options.keepLast < 1)) {
      throw new CheckpointStorageError('BAD_OPTIONS', `keepLast must be a positive integer, got ${options.keepLast}`);
    }
    if (options.everyIterations !== undefined && (!Number.isInteger(options.everyIterations) || options.everyIterations < 1)) {
      throw new CheckpointStorageError('BAD_OPTIONS', `everyIterations must be a positive integer, got ${options.everyIterations}`);
    }
    if (options.everySeconds !== undefined && (typeof options.everySeconds !== 'number' || !(options.everySeconds > 0) || !Number.isFinite(options.everySeconds))) {
      throw new CheckpointStorageError('BAD_OPTIONS', `everySeconds must be a positive number, got ${options.everySeconds}`);
    }
  }

  /** The id recorded in this run's checkpoints: adopted from the checkpoint loaded, else new. */
  get runId(): string {
    return (this.#runId ??= globalThis.crypto.randomUUID());
  }

  /** The timing of every checkpoint this plugin stored, oldest first. */
  get timings(): readonly CheckpointTiming[] {
    return this.#timings;
  }

  /** Numbers of the end-of-experience checkpoints in the storage, oldest first. */
  async checkpointNumbers(): Promise<number[]> {
    return (await this.#numberedNames()).filter((e) => e.it === 0).map((e) => e.n);
  }

  /** Names of every checkpoint in the storage, both kinds, oldest first (the last one is what a resume loads). */
  async checkpointNames(): Promise<string[]> {
    return (await this.#numberedNames()).map((e) => e.name);
  }

  /** The stored names that are checkpoint numbers, oldest first; `"5"` wins over `"0005"`. */
  async #numberedNames(): Promise<NumberedName[]> {
    const byKey = new Map<string, NumberedName>();
    for (const name of await this.storage.listCheckpoints()) {
      const parsed = parseNumbered(name);
      if (parsed === undefined) continue;
      const canonical = parsed.it === 0 && !name.includes('.') ? String(parsed.n) : `${parsed.n}.${parsed.it}`;
      const key = `${parsed.n}.${parsed.it}`;
      const known = byKey.get(key)?.name;
      if (known === undefined || name === canonical || (known !== canonical && name < known)) byKey.set(key, { ...parsed, name });
    }
    return [...byKey.values()].sort(byAge);
  }

  /**
   * Loads the newest checkpoint of the storage: `[strategy, initialExp]`, or
   * `[null, 0]` when the storage holds none (the one "missing" case; any other failure
   * throws). The loaded strategy carries its restored plugins, metrics and loggers — do
   * not create them again — with this plugin in place of the stored one; the random
   * generators are restored too, and this plugin continues the loaded run (its id).
   * @throws CheckpointStorageError `FOREIGN_CHECKPOINT` when the newest entry is not a
   *   run checkpoint (junk, a truncated file, a `save()` file), `MIXED_RUNS` when the
   *   storage holds checkpoints of another run than the newest one; each names the
   *   files and the way out. What `deserialize` and `restoreRun` throw.
   */
  async loadCheckpointIfExists<S extends object = PluggedStrategy>(): Promise<[S | null, number]> {
    return this.#loadNewest<S>(true);
  }

  async #loadNewest<S extends object>(mayRelist: boolean): Promise<[S | null, number]> {
    const numbered = await this.#numberedNames();
    if (numbered.length === 0) return [null, 0];
    const newest = numbered[numbered.length - 1]!;
    const where = describeLocation(this.storage, newest.name);
    const foreign = (err: unknown): never => {
      if (isFormatError(err) || (err instanceof CheckpointError && err.code === 'NOT_A_RUN_CHECKPOINT')) {
        throw new CheckpointStorageError(
          'FOREIGN_CHECKPOINT',
          `the newest checkpoint, ${where}, is not a run checkpoint that loads (${err.code}: ${err.message}); ` +
            `move it out of the storage to resume from the one before it, or give this run its own storage`,
          { cause: err },
        );
      }
      throw err;
    };
    // The run id first, from the header alone: refuse mixed runs before reading or building anything.
    let runId: string | undefined;
    let decoded!: Awaited<ReturnType<typeof readRunCheckpoint>>;
    try {
      decoded = await readRunCheckpoint(this.storage, newest.name, this.options, async (header) => {
        runId = header.metadata[RUN_ID_KEY];
        if (runId !== undefined) await this.#checkOneRun(numbered.slice(0, -1), newest, runId);
      });
    } catch (err) {
      // Deleted between listing and reading (another process pruning): list once more.
      if (mayRelist && err instanceof CheckpointStorageError && err.code === 'NOT_FOUND') return this.#loadNewest<S>(false);
      foreign(err);
    }
    const { checkpoint, stats } = decoded;
    const strategy = checkpoint.strategy as PluggedStrategy;
    const report = restoreRun(strategy, checkpoint, stats, (p) => p instanceof CheckpointPlugin);
    if (Array.isArray(strategy.plugins)) {
      strategy.plugins = strategy.plugins.map((p) => (p instanceof CheckpointPlugin ? this : p));
    }
    this.#runId = runId ?? this.#runId;
    announce(`checkpoint "${newest.name}"`, checkpoint.expCounter, report, this.options.quiet, strategy);
    return [strategy as unknown as S, checkpoint.expCounter];
  }

  /** Refuses to resume from `newest` when older checkpoints there belong to another run. */
  async #checkOneRun(older: NumberedName[], newest: NumberedName, runId: string): Promise<void> {
    const others: string[] = [];
    for (const entry of older) {
      const id = await this.#runIdOf(entry.name);
      if (id !== undefined && id !== runId) others.push(describeLocation(this.storage, entry.name));
    }
    if (others.length > 0) {
      throw new CheckpointStorageError(
        'MIXED_RUNS',
        `the newest checkpoint, ${describeLocation(this.storage, newest.name)}, is of run ${runId}, but ${others.join(', ')} of another: ` +
          `two runs share this storage, and resuming would pick whichever wrote the highest number. Move one run's checkpoints away, or give each run its own storage`,
      );
    }
  }

  /** The run id in a stored checkpoint's header; undefined when it has none or is not a checkpoint. */
  async #runIdOf(name: string): Promise<string | undefined> {
    try {
      return (await readCheckpointHeader(this.storage, name)).metadata[RUN_ID_KEY];
    } catch (err) {
      if (isFormatError(err) || (err instanceof CheckpointError && err.code === 'NOT_FOUND')) return undefined;
      throw err;
    }
  }

  /**
   * Saves now, under the number of trained experiences, and prunes to `keepLast`.
   * What is saved is captured before this returns. With `writeInBackground` it returns
   * once the previous write has finished and this one has started; otherwise once the
   * checkpoint is stored.
   * @throws CheckpointStorageError `BACKGROUND_WRITE_FAILED` when the previous
   *   background write failed (this save is then not made), `STORE_FAILED`; what
   *   `serialize` throws.
   */
  async saveCheckpoint(strategy: PluggedStrategy): Promise<string> {
    const start = performance.now();
    await this.flush();
    const name = checkpointName(strategy);
    this.#lastSaveAt = performance.now();
    const captured = captureRunCheckpoint(strategy, { ...this.options, metadata: { ...this.options.metadata, [RUN_ID_KEY]: this.runId } });
    const write = this.#storeAndPrune(name, captured);
    if (!this.options.writeInBackground) {
      await write;
      this.#record(name, performance.now() - start, performance.now() - start);
      return name;
    }
    const blockedMs = performance.now() - start;
    pendingPlugins.add(this);
    this.#inFlight = write.then(
      () => this.#record(name, blockedMs, performance.now() - start),
      (error: unknown) => {
        this.#failure = { error };
        emitWarning(`checkpoint "${name}" failed to write in the background: ${(error as Error)?.message ?? error}; the previous checkpoint is intact`, 'REPRISE_CHECKPOINT_WRITE_FAILED');
        // Node only (#stop-signal): a page or worker has no exit to fail; there the warning and flush() say it.
        failExitIfUnflushed(() => this.#failure !== undefined, name, error);
      },
    );
    // An error thrown by `onCheckpoint` is the next flush's (once), as a save without writeInBackground throws it: not an unhandled rejection.
    this.#inFlight.catch(() => {});
    return name;
  }

  /**
   * Waits until the background write in flight (if any) is stored.
   * @throws CheckpointStorageError `BACKGROUND_WRITE_FAILED`, with the storage's error
   *   as `cause`, when a background write failed since the last flush.
   */
  async flush(): Promise<void> {
    if (this.#inFlight) {
      const inFlight = this.#inFlight;
      this.#inFlight = undefined;
      await inFlight;
    }
    pendingPlugins.delete(this);
    const failure = this.#failure;
    if (failure) {
      this.#failure = undefined;
      const e = failure.error;
      throw new CheckpointStorageError('BACKGROUND_WRITE_FAILED', `a checkpoint written in the background failed: ${(e as Error)?.message ?? e}; the previous checkpoint is intact`, { cause: e });
    }
  }

  #record(name: string, blockedMs: number, durableMs: number): void {
    const timing = { name, blockedMs, durableMs };
    this.#timings.push(timing);
    this.options.onCheckpoint?.(timing);
  }

  async #storeAndPrune(name: string, captured: CapturedCheckpoint): Promise<void> {
    await storeCaptured(this.storage, name, captured);
    const { keepLast } = this.options;
    if (keepLast === undefined || !this.storage.deleteCheckpoint) return;
    try {
      await this.#prune(name, keepLast);
    } catch (err) {
      emitWarning(`checkpoint "${name}" is stored, but pruning older checkpoints failed: ${(err as Error)?.message ?? err}`, 'REPRISE_PRUNE_FAILED');
    }
  }

  /** Deletes this run's checkpoints but the newest `keepLast`, never `justWritten`, never another run's. */
  async #prune(justWritten: string, keepLast: number): Promise<void> {
    const ours: NumberedName[] = [];
    const all = await this.storage.listCheckpoints();
    const numbered = all.flatMap((name) => {
      const parsed = parseNumbered(name);
      return parsed === undefined ? [] : [{ ...parsed, name }];
    });
    numbered.sort((a, b) => byAge(b, a) || (a.name < b.name ? -1 : 1));
    for (const entry of numbered) {
      if (entry.name === justWritten || (await this.#runIdOf(entry.name)) === this.runId) ours.push(entry);
    }
    let kept = 0;
    for (const entry of ours) {
      if (entry.name === justWritten || kept < keepLast - 1) {
        if (entry.name !== justWritten) kept++;
        continue;
      }
      await this.storage.deleteCheckpoint!(entry.name);
    }
  }

  /**
   * Strategy callback: with `everyIterations` / `everySeconds`, saves after a training
   * iteration — after every other plugin, the clock included, has run — when the
   * strategy keeps a `trainingPosition` (the cl layer's templates do).
   */
  async afterTrainingIteration(strategy: PluggedStrategy): Promise<void> {
    const { everyIterations, everySeconds } = this.options;
    if (everyIterations === undefined && everySeconds === undefined) return;
    if (strategy.trainingPosition === undefined || strategy.trainingPosition === null) return;
    const now = performance.now();
    this.#lastSaveAt ??= now;
    const byCount = everyIterations !== undefined && (strategy.clock?.trainIterations ?? 0) % everyIterations === 0;
    const byTime = everySeconds !== undefined && now - this.#lastSaveAt >= everySeconds * 1000;
    if (byCount || byTime) await this.saveCheckpoint(strategy);
  }

  /** Strategy callback: saves after an eval phase that is not a periodic eval inside training, once training has started. */
  async afterEval(strategy: PluggedStrategy): Promise<void> {
    if (strategy.isTraining) return;
    if ((strategy.clock?.trainExpCounter ?? 0) === 0) return;
    await this.saveCheckpoint(strategy);
  }
}
// Registered by a call, not a decorator: no decorator helpers in the browser bundle.
serializable({ name: 'reprise.CheckpointPlugin', exclude: ['storage', 'options'] })(CheckpointPlugin);
