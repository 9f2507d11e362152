import type { DedupCycleResult } from '../cases/dedup-cycles.js';
import type { Mode, SubjectName } from '../cases/types.js';
import type { LoadMemoryResult, MeasureResult } from './jobs.js';
import type { MachineInfo } from './machine.js';
import type { Summary } from './stats.js';

/** What one subject gave for one case variant. */
export type SubjectResult =
  | { status: 'ok'; measure: MeasureResult; loadMemory?: LoadMemoryResult; loadMemoryError?: string }
  | { status: 'skipped' | 'n/a' | 'error'; reason: string };

export interface VariantResult {
  id: string;
  label: string;
  params: Record<string, number | string | boolean>;
  tensorHeavy: boolean;
  subjects: Partial<Record<SubjectName, SubjectResult>>;
}

export interface CaseResult {
  name: string;
  title: string;
  description: string;
  variants: VariantResult[];
}

export interface DedupSeries {
  unique: boolean;
  cycles: DedupCycleResult[];
  error?: string;
}

export interface DedupResult {
  name: string;
  title: string;
  description: string;
  params: Record<string, number>;
  series: DedupSeries[];
}

/** A target of the issue, checked against one measurement. */
export interface TargetResult {
  caseName: string;
  variantId?: string;
  /** The table row it belongs to. */
  metric: 'size' | 'save' | 'loadWarm' | 'loadCold' | 'loadMemory' | 'dedup' | 'torch' | 'resume';
  /** e.g. `save ≤ 1.3× fs`. */
  target: string;
  /** The measured quantity, e.g. `1.12×` or `+0 B/cycle`. */
  measured: string;
  pass: boolean;
}

/** The whole of `bench/results/latest.json`. */
export interface BenchResults {
  schema: 1;
  date: string;
  mode: Mode;
  command: string;
  machine: MachineInfo;
  backend: string;
  memoryMethod: string;
  warmup: number;
  /** Fewest repetitions; cheap cases ran up to `maxReps` (each summary lists its samples). */
  reps: number;
  maxReps: number;
  /** True when cold loads were measured after dropping the page cache. */
  coldMeasured: boolean;
  coldNote: string;
  cases: CaseResult[];
  dedup?: DedupResult;
  /** The original's own path (torch.save / torch.load with dill) on the profiling case, when Python has torch and dill. */
  torch?: TorchComparison;
  /** Fresh-process resumes: process start to the end of the first resumed iteration. */
  resume?: ResumeTime[];
  /** How long a save blocks its caller next to how long until it is durable (bench/save-blocking.ts). */
  saveBlocking?: SaveBlockingResult;
  targets: TargetResult[];
  durationSeconds: number;
}

/**
 * bench/torch-compare.ts: reprise's `saveCheckpoint` / `maybeLoadCheckpoint` against
 * `torch.save` + fsync / `torch.load` with dill on the profiling case, in alternating
 * rounds of one process each; `skipped` says why when Python, torch or dill is missing.
 */
export type TorchComparison =
  | { skipped: string }
  | {
      rounds: number;
      torchVersion: string;
      repriseBytes: number;
      torchBytes: number;
      reprise: { save: Summary; load: Summary };
      torch: { save: Summary; load: Summary };
    };

/** The parts of a fresh-process resume (bench/resume-child.ts), in order, with their labels. */
export const RESUME_PARTS = [
  ['boot', 'node start'],
  ['engineMs', 'engine modules'],
  ['clMs', 'cl layer'],
  ['backendMs', 'backend start'],
  ['buildMs', 'build the run'],
  ['loadMs', 'load the checkpoint'],
  ['iterationMs', 'first iteration'],
] as const;

/** bench/resume-time.ts: fresh processes resuming a run, each part's and the total's summary (ms). */
export interface ResumeTime {
  kind: 'replay' | 'profiling';
  fileBytes: number;
  runs: number;
  parts: Record<string, Summary>;
  total: Summary;
}

/** One row of bench/save-blocking.ts: medians in milliseconds. */
export interface SaveBlockingRow {
  case: string;
  /** Until `save()` returned its promise (plugin: until `saveCheckpoint` returned). */
  blocked: number;
  /** Until the checkpoint was stored and synced. */
  durable: number;
  reps: number;
}

export interface SaveBlockingResult {
  backend: string;
  /** Megabytes of tensors in the large case. */
  megabytes: number;
  rows: SaveBlockingRow[];
  /** Why it was not measured, when it was not. */
  error?: string;
}
