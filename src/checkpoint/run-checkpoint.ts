import { RestoreError } from '../errors.js';
import { openContainer, type HeaderInfo, type PackedContainer } from '../format/index.js';
import type { DecodeStats } from '../graph/index.js';
import { captureGlobalState, restoreGlobalState } from './global-state.js';
import { decodeContainer } from './deserialize.js';
import { decodeStored } from './read-checkpoint.js';
import type { CheckpointStorage } from './storage.js';
import type { DeserializeOptions, SerializeOptions } from './options.js';
import { captureValue, packValue, type CapturedCheckpoint } from './serialize.js';
import { envVar } from '../platform.js';

/** What a strategy must have for a run checkpoint: its clock counts finished training experiences. */
export interface CheckpointableStrategy {
  clock?: { trainExpCounter?: number; trainExpEpochs?: number; trainEpochIterations?: number; trainExpIterations?: number; trainIterations?: number };
  plugins?: unknown[];
  /** Set while an experience is trained (the cl layer's `TrainingPosition`): the checkpoint is inside it. */
  trainingPosition?: { experience: number };
}

/**
 * Where a run checkpoint resumes: `undefined` after a whole experience, else the
 * experience being trained, the epoch and the iterations done in it (0-based epoch).
 */
export function positionOf(strategy: CheckpointableStrategy): { experience: number; epoch: number; iteration: number; runIteration: number } | undefined {
  const p = strategy.trainingPosition;
  if (p === undefined || p === null) return undefined;
  const c = strategy.clock ?? {};
  return { experience: p.experience, epoch: c.trainExpEpochs ?? 0, iteration: c.trainEpochIterations ?? 0, runIteration: c.trainIterations ?? 0 };
}

/** The value stored in a run checkpoint file. */
export interface RunCheckpoint<S = object> {
  kind: 'reprise.run';
  version: 1;
  strategy: S;
  /** Number of training experiences finished when saved: the index to resume from. */
  expCounter: number;
  /** Process-wide states (`registerGlobalState`), e.g. the random generators. */
  globals: Record<string, unknown>;
}

export interface SaveCheckpointOptions extends SerializeOptions {
  /** Strategy fields to leave out of the checkpoint (kept as they are in the live strategy on load). */
  exclude?: readonly string[];
}

/** Encodes a strategy with its global states, leaving `exclude`d fields out; `capture` as in `packValue`. Inverse: {@link decodeRunCheckpoint}. */
export function packRunCheckpoint(strategy: CheckpointableStrategy, options: SaveCheckpointOptions = {}, capture = false): PackedContainer {
  const { value, serializeOptions, excludeFields } = runRecord(strategy, options);
  return packValue(value, serializeOptions, excludeFields, capture);
}

/** {@link packRunCheckpoint} for a save that writes later: see `captureValue`. Hand the result to `storeCaptured`. */
export function captureRunCheckpoint(strategy: CheckpointableStrategy, options: SaveCheckpointOptions = {}): CapturedCheckpoint {
  const { value, serializeOptions, excludeFields } = runRecord(strategy, options);
  return captureValue(value, serializeOptions, excludeFields);
}

function runRecord(strategy: CheckpointableStrategy, options: SaveCheckpointOptions) {
  const { exclude = [], ...serializeOptions } = options;
  const expCounter = strategy.clock?.trainExpCounter ?? 0;
  const value: RunCheckpoint = { kind: 'reprise.run', version: 1, strategy, expCounter, globals: captureGlobalState() };
  const excludeFields = exclude.length > 0 ? new Map([[strategy as object, new Set(exclude)]]) : undefined;
  return {
    value,
    serializeOptions: { ...serializeOptions, metadata: { kind: 'reprise.run', expCounter: String(expCounter), ...serializeOptions.metadata } },
    excludeFields,
  };
}

/**
 * Reads a run checkpoint from bytes in memory without touching any live object;
 * `metadata` is its header's. Loads from a storage use {@link readRunCheckpoint}.
 * @throws what `deserialize` throws, and RestoreError `NOT_A_RUN_CHECKPOINT` for a file
 *   that holds another kind of value.
 */
export function decodeRunCheckpoint(
  bytes: Uint8Array,
  options: DeserializeOptions = {},
): { checkpoint: RunCheckpoint; stats: DecodeStats; metadata: Readonly<Record<string, string>> } {
  const container = openContainer(bytes, { verifyChecksums: options.verifyChecksums });
  const { value, stats } = decodeContainer(container, options);
  return { checkpoint: asRunCheckpoint(value), stats, metadata: container.header.metadata };
}

/**
 * Reads run checkpoint `name` of `storage` without touching any live object, tensors
 * straight into their memory when the storage has `openReader` (see `decodeStored`);
 * `onHeader` sees the verified header before any section is read.
 * @throws what `decodeStored` throws, and RestoreError `NOT_A_RUN_CHECKPOINT`.
 */
export async function readRunCheckpoint(
  storage: CheckpointStorage,
  name: string,
  options: DeserializeOptions = {},
  onHeader?: (header: HeaderInfo) => void | Promise<void>,
): Promise<{ checkpoint: RunCheckpoint; stats: DecodeStats; metadata: Readonly<Record<string, string>> }> {
  const { value, stats, header } = await decodeStored(storage, name, options, onHeader);
  return { checkpoint: asRunCheckpoint(value), stats, metadata: header.metadata };
}

function asRunCheckpoint(value: unknown): RunCheckpoint {
  const v = value as Partial<RunCheckpoint> | null;
  if (typeof v !== 'object' || v === null || v.kind !== 'reprise.run' || typeof v.expCounter !== 'number' || typeof v.strategy !== 'object' || v.strategy === null) {
    throw new RestoreError('NOT_A_RUN_CHECKPOINT', 'the checkpoint is not of a training run (saved with save(), not saveCheckpoint()); load it with load()');
  }
  return v as RunCheckpoint;
}

/** What a restore found: differences between the file's strategy and the live one. */
export interface RestoreReport {
  /** Fields the file had that the live strategy lacked (now set). */
  addedFields: string[];
  /** Fields the live strategy had that the file lacked (left as they were). */
  keptFields: string[];
  /** Global states in the file with no provider registered in this process (not restored). */
  unknownGlobals: string[];
  /** De-duplicated objects reused from `uniqueObjects` / rebuilt by their constructor. */
  reused: number;
  rebuilt: number;
}

/**
 * Restores the global states, then replaces the live strategy's fields with the
 * checkpoint's (Python's `__dict__.update`), keeping live objects that must stay live
 * (the live `CheckpointPlugin`s: `keepLive`). Nothing is changed if the classes differ
 * or a global state cannot be restored.
 * @throws RestoreError `STRATEGY_MISMATCH` when the file holds another strategy class;
 *   CheckpointError `RESTORE_FAILED` when a global state provider refuses its state.
 */
export function restoreRun(live: object, checkpoint: RunCheckpoint, stats: DecodeStats, keepLive: (o: unknown) => boolean): RestoreReport {
  const loaded = checkpoint.strategy as Record<string, unknown>;
  if (Object.getPrototypeOf(loaded) !== Object.getPrototypeOf(live)) {
    const name = (o: object) => (Object.getPrototypeOf(o) as { constructor?: { name?: string } } | null)?.constructor?.name ?? 'Object';
    throw new RestoreError('STRATEGY_MISMATCH', `the checkpoint holds a ${name(loaded)} strategy, the live one is a ${name(live)}; build the same strategy class before loading`);
  }
  // Global states first: their providers restore all or nothing, so a failure here
  // leaves the live strategy untouched.
  const unknownGlobals = restoreGlobalState(checkpoint.globals ?? {});
  const target = live as Record<string, unknown>;
  const liveKeys = new Set(Object.keys(target));
  const fileKeys = Object.keys(loaded);
  const previousPlugins = Array.isArray(target.plugins) ? [...target.plugins] : [];
  for (const key of fileKeys) {
    Object.defineProperty(target, key, { value: loaded[key], writable: true, enumerable: true, configurable: true });
  }
  if (Array.isArray(target.plugins)) {
    target.plugins = target.plugins.map((p) => {
      if (!keepLive(p)) return p;
      const liveOne = previousPlugins.find((q) => q !== null && typeof q === 'object' && Object.getPrototypeOf(q) === Object.getPrototypeOf(p));
      return liveOne ?? p;
    });
  }
  return {
    addedFields: fileKeys.filter((k) => !liveKeys.has(k)),
    keptFields: [...liveKeys].filter((k) => !(k in loaded)),
    unknownGlobals,
    reused: stats.reused,
    rebuilt: stats.rebuilt,
  };
}

export function describeReport(r: RestoreReport): string {
  const parts = [`${r.reused} de-duplicated object(s) reused, ${r.rebuilt} rebuilt`];
  if (r.addedFields.length) parts.push(`fields only in the file: ${r.addedFields.join(', ')}`);
  if (r.keptFields.length) parts.push(`live fields not in the file (kept): ${r.keptFields.join(', ')}`);
  if (r.unknownGlobals.length) parts.push(`global states with no provider here (skipped): ${r.unknownGlobals.join(', ')}`);
  return parts.join('; ');
}

/** Prints the original's "resuming" line to stderr, unless quiet (or `REPRISE_QUIET=1`). */
export function announce(source: string, expCounter: number, report: RestoreReport, quiet?: boolean, strategy?: CheckpointableStrategy): void {
  if (quiet ?? envVar('REPRISE_QUIET') === '1') return;
  const at = strategy === undefined ? undefined : positionOf(strategy);
  const where =
    at === undefined
      ? `after ${expCounter} training experience(s)`
      : `inside training experience ${at.experience}, epoch ${at.epoch}, after iteration ${at.iteration} of that epoch (run iteration ${at.runIteration}); training continues at the next iteration`;
  const line = `reprise: resuming from ${source} ${where} (${describeReport(report)}); current time is ${new Date().toISOString()}`;
  const stderr = (globalThis as { process?: { stderr?: { write(s: string): void } } }).process?.stderr;
  if (stderr) stderr.write(line + '\n');
  else console.info(line);
}
