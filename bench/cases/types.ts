import type * as tf from '@tensorflow/tfjs';

/** `full`: the sizes the README quotes; `quick`: small sizes, for the test that keeps the bench alive. */
export type Mode = 'full' | 'quick';

/** The ways of saving and loading that a case is measured with. */
export type SubjectName = 'reprise' | 'fs' | 'v8' | 'json' | 'tfjs';

/** One size or configuration of a case; `id` is unique within its case. */
export interface Variant {
  id: string;
  /** Shown in tables, e.g. `200 MB in 10 float32 tensors`. */
  label: string;
  params: Record<string, number | string | boolean>;
}

/** What the case's state is, handed from `build` to the subjects. */
export interface BuiltState {
  /** The live value that reprise saves (a graph, a model, a strategy). */
  value: unknown;
  /** Named tensors whose bytes the `fs` and `tfjs` baselines write. Empty: they do not apply. */
  tensors: { name: string; tensor: tf.Tensor }[];
  /**
   * The same graph for v8 (`typed`: tensors as typed arrays) and JSON (`array`: tensors
   * as plain arrays, cycles cut). Default: `toPlain` of bench/plain-graph.ts, timed as
   * part of the baseline's save (reading tensors off the backend is work every subject does).
   */
  plain?: (mode: 'typed' | 'array') => unknown;
}

/**
 * A benchmark case. `build` makes the live state in a fresh child process; reprise saves
 * it with `save` and loads it back to a usable state with `load`, the baselines with
 * their own encodings (see bench/subjects/).
 */
export interface BenchCase {
  name: string;
  title: string;
  /** What the case stands for, printed under the table. */
  description: string;
  variants(mode: Mode): Variant[];
  /** Subjects measured, reprise first; others are shown as n/a with `notApplicable`'s reason. */
  subjects: SubjectName[];
  /** Why a subject is missing, keyed by subject. */
  notApplicable?: Partial<Record<SubjectName, string>>;
  /** Reason JSON is skipped for this variant (string limit, absurd time), or undefined. */
  jsonSkip?(variant: Variant): string | undefined;
  /**
   * Makes, once per variant and in its own process, a state too slow to build in every
   * measuring process (a trained strategy), saved as a reprise file at `file`.
   */
  prepare?(variant: Variant, file: string, mode: Mode): Promise<void>;
  /**
   * Builds the live state. `subject` lets a case build a cycle-free graph for JSON;
   * `prepared` is the file `prepare` wrote, if the case has one.
   */
  build(variant: Variant, subject: SubjectName, prepared: string | undefined, mode: Mode): Promise<BuiltState>;
  /** reprise's save. Default: `save(state.value, file)`. */
  save?(state: BuiltState, file: string): Promise<void>;
  /**
   * reprise's load, to a usable state (tensors on the backend, objects rebuilt).
   * `prepare` (untimed) builds what the load needs beforehand, e.g. a fresh strategy.
   * Default: `load(file)`.
   */
  prepareLoad?(variant: Variant, mode: Mode): Promise<unknown>;
  load?(file: string, prepared: unknown): Promise<unknown>;
  /** Does the plain graph hold tensors to rebuild after v8/JSON parse. Default true. */
  plainHasTensors?: boolean;
  /** Bytes of tensor data in the state: the floor of any file size. */
  tensorBytes(state: BuiltState): number;
  /** Tensor-heavy: targets against the `fs` baseline and raw tensor bytes apply. */
  tensorHeavy(variant: Variant): boolean;
}
