import type { StrategyView } from '../core/strategy-view.js';

/**
 * Loggers are typed against the one {@link StrategyView} (src/cl/core), but read it
 * defensively: a field that is missing (an older strategy, a test double, a phase in
 * which it is not set) makes a logger print less, never throw. These readers take
 * `unknown` for that reason.
 */
type LooseView = {
  clock?: Partial<Record<keyof StrategyView['clock'], unknown>>;
  experience?: {
    currentExperience?: unknown;
    taskLabel?: unknown;
    taskLabels?: readonly unknown[];
    originStream?: { name?: unknown };
    streamName?: unknown;
  };
  dataloader?: { length?: unknown; numBatches?: unknown };
};

function asView(strategy: unknown): LooseView {
  return strategy !== null && typeof strategy === 'object' ? (strategy as LooseView) : {};
}

function finiteNumber(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** A clock counter of the strategy, or `undefined` when the strategy has no such counter. */
export function clockValue(strategy: unknown, counter: keyof StrategyView['clock']): number | undefined {
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
