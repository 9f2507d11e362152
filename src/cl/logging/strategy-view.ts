/**
 * What the loggers read from a strategy. Loggers see the strategy only through this
 * view and read every field defensively: a field that is missing (an older strategy,
 * a test double, a phase in which it is not set) makes a logger print less, never throw.
 */
export interface StrategyView {
  clock?: {
    trainIterations?: number;
    trainExpCounter?: number;
    trainEpochs?: number;
    trainExpEpochs?: number;
    trainExpIterations?: number;
    /** Iterations done in the current epoch, when the strategy's clock counts them. */
    trainEpochIterations?: number;
  };
  experience?: {
    currentExperience?: number;
    taskLabel?: number;
    taskLabels?: readonly number[];
    originStream?: { name?: string };
    streamName?: string;
  };
  /** The current data loader; its `length` (or `numBatches`) sizes the progress bar. */
  dataloader?: { length?: number; numBatches?: number };
}

function asView(strategy: unknown): StrategyView {
  return strategy !== null && typeof strategy === 'object' ? (strategy as StrategyView) : {};
}

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A clock counter of the strategy, or `undefined` when the strategy has no such counter. */
export function clockValue(strategy: unknown, counter: keyof NonNullable<StrategyView['clock']>): number | undefined {
  const clock = asView(strategy).clock;
  return clock !== null && typeof clock === 'object' ? finiteNumber(clock[counter]) : undefined;
}

/** `strategy.experience.currentExperience`, or `undefined`. */
export function currentExperience(strategy: unknown): number | undefined {
  const exp = asView(strategy).experience;
  return exp !== null && typeof exp === 'object' ? finiteNumber(exp.currentExperience) : undefined;
}

/**
 * The experience's task label when it has exactly one (as the original's
 * `phase_and_task`): `taskLabel`, or the single entry of `taskLabels`; else `undefined`.
 */
export function taskLabel(strategy: unknown): number | undefined {
  const exp = asView(strategy).experience;
  if (exp === null || typeof exp !== 'object') return undefined;
  if (Array.isArray(exp.taskLabels)) return exp.taskLabels.length === 1 ? finiteNumber(exp.taskLabels[0]) : undefined;
  return finiteNumber(exp.taskLabel);
}

/** The name of the stream the experience comes from (`train`, `test`), or `undefined`. */
export function streamName(strategy: unknown): string | undefined {
  const exp = asView(strategy).experience;
  if (exp === null || typeof exp !== 'object') return undefined;
  const origin = exp.originStream;
  const name = origin !== null && typeof origin === 'object' ? origin.name : exp.streamName;
  return typeof name === 'string' && name !== '' ? name : undefined;
}

/** How many iterations the current data loader yields, or `undefined` when unknown. */
export function iterationsPerEpoch(strategy: unknown): number | undefined {
  const loader = asView(strategy).dataloader;
  if (loader === null || typeof loader !== 'object') return undefined;
  const n = finiteNumber(loader.length) ?? finiteNumber(loader.numBatches);
  return n !== undefined && n >= 0 ? Math.floor(n) : undefined;
}
