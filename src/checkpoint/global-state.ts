import { CheckpointError } from '../errors.js';

/**
 * Process-wide state that a run checkpoint carries besides the strategy, such as the
 * random generators: captured at save time, restored after the strategy loads. The
 * continual-learning layer's `RNGManager` registers itself here as `reprise.rng`.
 */
export interface GlobalStateProvider {
  /** A graph-serializable snapshot of the state. */
  capture(): unknown;
  /** Puts back what `capture` returned. */
  restore(state: unknown): void;
}

const providers = new Map<string, GlobalStateProvider>();

/** Registers (or replaces) the provider stored under `name` in every run checkpoint. */
export function registerGlobalState(name: string, provider: GlobalStateProvider): void {
  providers.set(name, provider);
}

export function captureGlobalState(): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, p] of [...providers].sort(([a], [b]) => (a < b ? -1 : 1))) out[name] = p.capture();
  return out;
}

/**
 * Restores every provider whose state the checkpoint holds. A state in the file with no
 * provider here is reported in the returned list, not silently applied elsewhere.
 */
export function restoreGlobalState(states: Record<string, unknown>): string[] {
  const unknown: string[] = [];
  for (const name of Object.keys(states)) {
    const p = providers.get(name);
    if (!p) {
      unknown.push(name);
      continue;
    }
    try {
      p.restore(states[name]);
    } catch (err) {
      throw new CheckpointError('RESTORE_FAILED', `restoring global state "${name}" failed: ${(err as Error)?.message}`, { cause: err });
    }
  }
  return unknown;
}
