import type { DedupCycleJob, DedupCycleResult } from '../cases/dedup-cycles.js';
import type { Mode, SubjectName } from '../cases/types.js';
import type { Summary } from './stats.js';

/**
 * Time the saves and loads of one case variant by every subject, in one process, in
 * rounds: each round saves and loads with every subject in turn (the order rotating),
 * so that the ratios between subjects are taken under the same conditions even when
 * the machine's speed drifts (a virtual machine's does).
 */
export interface TimeJob {
  kind: 'time';
  mode: Mode;
  caseName: string;
  variantId: string;
  subjects: SubjectName[];
  warmup: number;
  /** Fewest measured rounds. */
  reps: number;
  /** More rounds, up to `maxReps`, while the rounds have taken less than `budgetMs` per subject. */
  maxReps: number;
  budgetMs: number;
  /** Also time loads after dropping the page cache. */
  cold: boolean;
  /** The file the case's `prepare` wrote, if any. */
  prepared?: string;
  /** `<dir>/<case>-<variant>-<subject>.bin` are the files written. */
  dir: string;
  /**
   * Also measure save and load memory in this process (quick mode: fewer processes; the
   * memory is then not a fresh process's).
   */
  memoryHere: boolean;
  resultFile: string;
}

/** Save once in a fresh process and measure its resident memory. */
export interface SaveMemoryJob {
  kind: 'save-memory';
  mode: Mode;
  caseName: string;
  variantId: string;
  subject: SubjectName;
  prepared?: string;
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

export type Job = TimeJob | SaveMemoryJob | LoadMemoryJob | DedupCycleJob | PrepareJob;

export interface PhaseMemory {
  /** Resident bytes when the phase began (after a full GC). */
  before: number;
  /** Highest resident bytes during the phase. */
  peak: number;
  /** `peak - before`: what the phase itself needed. */
  extra: number;
}

/** What one subject's timings gave, from a {@link TimeJob}. */
export interface SubjectTimings {
  /** Bytes of every file the subject wrote. */
  fileBytes: number;
  /** Bytes of tensor data in the state (the floor of any file size). */
  tensorBytes: number;
  save: Summary;
  /** Loads right after a save: the file is in the page cache. */
  loadWarm: Summary;
  /** Loads after dropping the page cache; absent where that was refused. */
  loadCold?: Summary;
  /** With `memoryHere` (quick mode). */
  saveMemory?: PhaseMemory;
  loadMemory?: LoadMemoryResult;
}

export interface TimeResult {
  backend: string;
  memoryMethod: string;
  coldRefused?: string;
  rounds: number;
  bySubject: Partial<Record<SubjectName, SubjectTimings>>;
}

export interface SaveMemoryResult {
  memory: PhaseMemory;
  fileBytes: number;
}

/** One subject's measurements of one case variant, as results hold them. */
export interface MeasureResult extends Omit<SubjectTimings, 'saveMemory' | 'loadMemory'> {
  backend: string;
  memoryMethod: string;
  coldRefused?: string;
  /** The first save of a fresh process. */
  saveMemory: PhaseMemory;
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

export type JobResult = TimeResult | SaveMemoryResult | LoadMemoryResult | DedupCycleResult | { preparedBytes: number; ms: number };

export interface JobOutcome<R = JobResult> {
  ok: boolean;
  result?: R;
  error?: string;
}
