import type { DedupCycleJob, DedupCycleResult } from '../cases/dedup-cycles.js';
import type { Mode, SubjectName } from '../cases/types.js';
import type { Summary } from './stats.js';

/** Time a subject's saves and loads of one case variant, in a fresh process. */
export interface MeasureJob {
  kind: 'measure';
  mode: Mode;
  caseName: string;
  variantId: string;
  subject: SubjectName;
  warmup: number;
  /** Fewest measured repetitions. */
  reps: number;
  /** More repetitions, up to `maxReps`, while the measuring has taken less than `budgetMs`. */
  maxReps: number;
  budgetMs: number;
  /** Also time loads after dropping the page cache. */
  cold: boolean;
  /** The file the case's `prepare` wrote, if any. */
  prepared?: string;
  /**
   * Also measure the load's memory in this process, after the timings (quick mode: one
   * process fewer per subject; the memory is then not a fresh process's).
   */
  memoryHere: boolean;
  file: string;
  resultFile: string;
}

/** Load a file once in a fresh process (the resume itself) and measure its resident memory. */
export interface LoadMemoryJob {
  kind: 'load-memory';
  mode: Mode;
  caseName: string;
  variantId: string;
  subject: SubjectName;
  cold: boolean;
  file: string;
  resultFile: string;
}

/** Run a case's `prepare` once for a variant. */
export interface PrepareJob {
  kind: 'prepare';
  mode: Mode;
  caseName: string;
  variantId: string;
  file: string;
  resultFile: string;
}

export type Job = MeasureJob | LoadMemoryJob | DedupCycleJob | PrepareJob;

export interface PhaseMemory {
  /** Resident bytes when the phase began (after a full GC). */
  before: number;
  /** Highest resident bytes during the phase. */
  peak: number;
  /** `peak - before`: what the phase itself needed. */
  extra: number;
}

export interface MeasureResult {
  backend: string;
  memoryMethod: string;
  /** Bytes of every file the subject wrote. */
  fileBytes: number;
  /** Bytes of tensor data in the state (the floor of any file size). */
  tensorBytes: number;
  save: Summary;
  /** Loads right after a save: the file is in the page cache. */
  loadWarm: Summary;
  /** Loads after dropping the page cache; absent where that was refused. */
  loadCold?: Summary;
  coldRefused?: string;
  /** The first save of the process (the warm-up). */
  saveMemory: PhaseMemory;
  /** With `memoryHere`: the load memory measured in this process after the timings. */
  loadMemory?: LoadMemoryResult;
}

export interface LoadMemoryResult {
  backend: string;
  memoryMethod: string;
  /** First load of a fresh process (imports done, code not yet warm). */
  loadMs: number;
  cold: boolean;
  memory: PhaseMemory;
  /**
   * What the loaded state holds once loaded: growth of the JS heap in use plus the
   * larger of the growth of backend tensor bytes and of array buffers (the cpu backend's
   * tensors are views of buffers; WebAssembly's live in its own heap), after a full GC.
   */
  liveBytes: number;
  /** Resident bytes after the load and a full GC, above `memory.before`. */
  rssGrowth: number;
}

export type JobResult = MeasureResult | LoadMemoryResult | DedupCycleResult | { preparedBytes: number; ms: number };

export interface JobOutcome<R = JobResult> {
  ok: boolean;
  result?: R;
  error?: string;
}
