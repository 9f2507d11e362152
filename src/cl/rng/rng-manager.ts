import seedrandom from 'seedrandom';
import { CheckpointError, RestoreError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { permutation, randomInt, shuffleInPlace, type UniformSource } from './sampling.js';

/**
 * How a random generator is seeded, saved, restored and stepped — the original's
 * `rng_def` dictionary. Register one with {@link RandomGeneratorManager.registerRandomGenerator}.
 */
export interface RandomGeneratorDefinition {
  /** Re-seeds the generator with `seed`. */
  seed(seed: number): void;
  /** The generator's state as plain data (numbers, strings, arrays, plain objects, typed arrays). */
  saveState(): unknown;
  /** Inverse of `saveState`. */
  loadState(state: unknown): void;
  /** Draws one number and discards it. */
  step(): void;
}

/** What {@link RandomGeneratorManager.getState} returns: one entry per generator, in registration order. */
export type RNGState = Record<string, { currentState: unknown }>;

type Arc4 = seedrandom.StatefulPRNG<seedrandom.State.Arc4>;

/** Names of the two generators every run has. */
export const MATH_RANDOM_GENERATOR = 'mathRandom';
export const LIBRARY_GENERATOR = 'reprise';

/** Everything mutable the manager has, in one object so that a loaded manager can share it. */
interface ManagerCore {
  generators: Map<string, RandomGeneratorDefinition>;
  math: Arc4;
  library: Arc4;
  /** `Math.random` as it was before the managed generator was installed. */
  nativeMathRandom: () => number;
  /** The function installed as `Math.random`, to tell whether someone replaced it. */
  installed: (() => number) | undefined;
}

function copyArc4State(state: seedrandom.State.Arc4): seedrandom.State.Arc4 {
  return { i: state.i, j: state.j, S: Array.from(state.S) };
}

function validArc4State(state: unknown): state is seedrandom.State.Arc4 {
  const s = state as seedrandom.State.Arc4 | null;
  return (
    typeof s === 'object' && s !== null &&
    Number.isInteger(s.i) && Number.isInteger(s.j) &&
    Array.isArray(s.S) && s.S.length === 256 && s.S.every((v) => Number.isInteger(v) && v >= 0 && v < 256)
  );
}

/** A fresh ARC4 generator: seeded when `seed` is given, else from the platform's entropy. */
function arc4(seed: string | undefined): Arc4 {
  return seed === undefined ? seedrandom(undefined, { state: true, entropy: true }) : seedrandom(seed, { state: true });
}

/**
 * Seeds, saves and restores every random generator a run uses, as the original's
 * `RNGManager`:
 * - `mathRandom`: a managed seedrandom (ARC4) generator installed as `Math.random`.
 *   TensorFlow.js draws the seed of every random op that is given none from
 *   `Math.random` (initializers, dropout, `tf.randomUniform`, `tf.randomNormal`, …),
 *   so seeding it makes those reproducible.
 * - `reprise`: the library's own generator for shuffling mini-batches and sampling
 *   replay buffers ({@link random}, {@link permutation}, …).
 * - any generator registered with {@link registerRandomGenerator}.
 *
 * Use the process-wide instance {@link RNGManager}.
 */
@serializable({
  name: 'reprise.cl.RNGManager',
  // A checkpoint stores the generators' states; loading restores them into the
  // process-wide manager and makes the loaded object share it.
  getState: (m: RandomGeneratorManager) => m.getState(),
  setState: (m: RandomGeneratorManager, state: RNGState) => {
    RNGManager.setState(state);
    (m as unknown as { core: ManagerCore }).core = (RNGManager as unknown as { core: ManagerCore }).core;
  },
})
export class RandomGeneratorManager {
  private core: ManagerCore;

  constructor() {
    const core: ManagerCore = {
      generators: new Map(),
      math: arc4(undefined),
      library: arc4(undefined),
      nativeMathRandom: Math.random,
      installed: undefined,
    };
    this.core = core;
    this.registerRandomGenerator(MATH_RANDOM_GENERATOR, {
      seed: (seed) => {
        core.math = arc4(`mathRandom:${seed}`);
        this.installMathRandom();
      },
      saveState: () => copyArc4State(core.math.state()),
      loadState: (state) => {
        core.math = seedrandom('', { state: copyArc4State(state as seedrandom.State.Arc4) });
        this.installMathRandom();
      },
      step: () => void core.math(),
    });
    this.registerRandomGenerator(LIBRARY_GENERATOR, {
      seed: (seed) => {
        core.library = arc4(`reprise:${seed}`);
      },
      saveState: () => copyArc4State(core.library.state()),
      loadState: (state) => {
        core.library = seedrandom('', { state: copyArc4State(state as seedrandom.State.Arc4) });
      },
      step: () => void core.library(),
    });
  }

  /**
   * Adds (or replaces) a generator that {@link setRandomSeeds}, {@link getState},
   * {@link setState} and {@link stepGenerators} handle. Registration order is the
   * order of the saved state.
   * @throws UsageError `BAD_CONFIG` when a method is missing.
   */
  registerRandomGenerator(name: string, definition: RandomGeneratorDefinition): void {
    for (const method of ['seed', 'saveState', 'loadState', 'step'] as const) {
      if (typeof definition?.[method] !== 'function') {
        throw new UsageError('BAD_CONFIG', `registerRandomGenerator("${name}"): "${method}" must be a function`);
      }
    }
    this.core.generators.set(name, definition);
  }

  /**
   * Removes a generator added with {@link registerRandomGenerator}; inverse of it.
   * @throws UsageError `BAD_CONFIG` for the two built-in generators.
   */
  unregisterRandomGenerator(name: string): void {
    if (name === MATH_RANDOM_GENERATOR || name === LIBRARY_GENERATOR) {
      throw new UsageError('BAD_CONFIG', `the built-in generator "${name}" cannot be unregistered`);
    }
    this.core.generators.delete(name);
  }

  /** Names of the registered generators, in registration order. */
  generatorNames(): string[] {
    return [...this.core.generators.keys()];
  }

  /**
   * Seeds every registered generator with `seed` and installs the managed generator
   * as `Math.random`. Call it first thing in a run (before building the benchmark and
   * the model), with the same seed when resuming.
   * @throws UsageError `BAD_CONFIG` when `seed` is not a finite number.
   */
  setRandomSeeds(seed: number): void {
    if (typeof seed !== 'number' || !Number.isFinite(seed)) {
      throw new UsageError('BAD_CONFIG', `setRandomSeeds: the seed must be a finite number, got ${String(seed)}`);
    }
    for (const def of this.core.generators.values()) def.seed(seed);
  }

  /** Draws a seed from the library generator and re-seeds every generator with it (the original's `align_seeds`). */
  alignSeeds(): void {
    this.setRandomSeeds(Math.floor(this.core.library() * 2 ** 32));
  }

  /** Advances every generator by one draw (the original's `step_generators`). */
  stepGenerators(): void {
    for (const def of this.core.generators.values()) def.step();
  }

  /**
   * The state of every generator as plain data, restorable exactly with
   * {@link setState}. Installs the managed `Math.random` if it was not yet, so that
   * every later draw is captured.
   */
  getState(): RNGState {
    this.installMathRandom();
    const state: RNGState = {};
    for (const [name, def] of this.core.generators) state[name] = { currentState: def.saveState() };
    return state;
  }

  /**
   * Restores what {@link getState} returned; all or nothing.
   * @throws RestoreError `RNG_STATE_MISSING` when a registered generator has no entry,
   * `RNG_STATE_UNKNOWN` when an entry names no registered generator, `RNG_STATE_INVALID`
   * when a built-in generator's state is malformed; nothing is changed then.
   */
  setState(state: RNGState): void {
    if (typeof state !== 'object' || state === null) {
      throw new RestoreError('RNG_STATE_INVALID', `RNG state must be an object, got ${String(state)}`);
    }
    for (const name of this.core.generators.keys()) {
      if (!Object.prototype.hasOwnProperty.call(state, name)) {
        throw new RestoreError(
          'RNG_STATE_MISSING',
          `the RNG state has no entry for the generator "${name}" (it has: ${Object.keys(state).join(', ') || 'none'}); ` +
            'it was saved by a run that did not register it',
          { path: `.${name}` },
        );
      }
    }
    for (const name of Object.keys(state)) {
      if (!this.core.generators.has(name)) {
        throw new RestoreError(
          'RNG_STATE_UNKNOWN',
          `the RNG state has an entry for "${name}", which this process has not registered; ` +
            'call RNGManager.registerRandomGenerator before restoring',
          { path: `.${name}` },
        );
      }
    }
    for (const name of [MATH_RANDOM_GENERATOR, LIBRARY_GENERATOR]) {
      if (!validArc4State(state[name]?.currentState)) {
        throw new RestoreError('RNG_STATE_INVALID', `the saved state of "${name}" is not an ARC4 state {i, j, S[256]}`, {
          path: `.${name}.currentState`,
        });
      }
    }
    for (const [name, def] of this.core.generators) def.loadState(state[name]!.currentState);
  }

  /** A uniform float in [0, 1) from the library generator. */
  random(): number {
    return this.core.library();
  }

  /** The library generator as a function, for the helpers of `sampling.ts`. */
  get uniform(): UniformSource {
    const core = this.core;
    return () => core.library();
  }

  /** A uniform integer in [0, n) from the library generator. */
  randomInt(n: number): number {
    return randomInt(this.uniform, n);
  }

  /** A random permutation of `0 … n-1` from the library generator. */
  permutation(n: number): Int32Array {
    return permutation(this.uniform, n);
  }

  /** Shuffles in place with the library generator. */
  shuffle<T extends { length: number; [i: number]: any }>(values: T): T {
    return shuffleInPlace(this.uniform, values);
  }

  /** True while `Math.random` is the managed generator. */
  isMathRandomManaged(): boolean {
    return this.core.installed !== undefined && Math.random === this.core.installed;
  }

  /** Puts back the `Math.random` that was there before; inverse of seeding. */
  restoreNativeMathRandom(): void {
    if (this.core.installed !== undefined && Math.random === this.core.installed) Math.random = this.core.nativeMathRandom;
    this.core.installed = undefined;
  }

  private installMathRandom(): void {
    if (this.isMathRandomManaged()) return;
    const core = this.core;
    if (core.installed === undefined) core.nativeMathRandom = Math.random;
    core.installed = () => core.math();
    Math.random = core.installed;
  }
}

/** The process-wide manager (the original's `RNGManager` singleton). */
export const RNGManager = new RandomGeneratorManager();
