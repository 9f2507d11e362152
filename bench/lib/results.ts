import type { DedupCycleResult } from '../cases/dedup-cycles.js';
import type { Mode, SubjectName } from '../cases/types.js';
import type { LoadMemoryResult, MeasureResult } from './jobs.js';
import type { MachineInfo } from './machine.js';

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
  metric: 'size' | 'save' | 'loadWarm' | 'loadCold' | 'loadMemory' | 'dedup';
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
  targets: TargetResult[];
  durationSeconds: number;
}
