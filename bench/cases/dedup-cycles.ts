import * as fs from 'node:fs';
import { constructorSerialized, load, save } from '../../src/index.js';
import { randomFloats } from '../lib/fill.js';
import { collectGarbage, residentBytes } from '../lib/memory.js';
import type { Mode } from './types.js';

/**
 * Case 5, de-duplication over time. A run is stopped and resumed `cycles` times, each
 * cycle in a fresh process, as a preempted job is: the benchmark's datasets are built
 * again from their seed, the checkpoint is loaded (with or without `uniqueObjects:
 * benchmark`), one "training step" points part of a fixed-size replay buffer at the
 * current experience's live dataset, and the checkpoint is saved. Datasets are
 * `@constructorSerialized({ deduplicate: true })`, so the file holds their arguments
 * only; without `uniqueObjects` every load builds a new copy of every dataset the
 * buffer still points at, and those copies pile up over cycles.
 */
export const DEDUP_CASE = {
  name: 'dedup-cycles',
  title: 'De-duplication over stop/resume cycles',
  description:
    'Twenty stop/resume cycles, each in a fresh process, with and without `uniqueObjects`: file size and resident memory after each.',
};

/** The sizes of the case in each mode. */
export function dedupParams(mode: Mode): { cycles: number; experiences: number; samples: number; features: number; bufferSize: number; replacedPerCycle: number } {
  return mode === 'full'
    ? { cycles: 20, experiences: 5, samples: 6000, features: 784, bufferSize: 500, replacedPerCycle: 20 }
    : { cycles: 3, experiences: 5, samples: 500, features: 784, bufferSize: 500, replacedPerCycle: 20 };
}

/** A dataset built from its arguments, like a benchmark's experience: stored as the arguments. */
@constructorSerialized({ name: 'bench.ExperienceDataset', deduplicate: true })
export class ExperienceDataset {
  readonly x: Float32Array;
  readonly y: Int32Array;
  constructor(
    readonly experience: number,
    readonly samples: number,
    readonly features: number,
  ) {
    this.x = randomFloats(samples * features, 1000 + experience);
    this.y = Int32Array.from({ length: samples }, (_, i) => 2 * experience + (i % 2));
  }
}

interface ReplayEntry {
  dataset: ExperienceDataset;
  index: number;
}

interface RunState {
  cycle: number;
  buffer: ReplayEntry[];
  losses: number[];
}

export interface DedupCycleJob {
  kind: 'dedup-cycle';
  mode: Mode;
  cycle: number;
  unique: boolean;
  file: string;
  resultFile: string;
}

/** What one cycle measured. */
export interface DedupCycleResult {
  cycle: number;
  fileBytes: number;
  loadMs: number;
  saveMs: number;
  /** Resident bytes after the benchmark was built, before the load (garbage collected). */
  rssBeforeLoad: number;
  /** Resident bytes after the load and the training step (garbage collected). */
  rssAfterCycle: number;
  /** Distinct dataset objects alive: the benchmark's plus the copies loads made. */
  datasetsAlive: number;
}

/** One stop/resume cycle; run in a fresh child process by bench/child.ts. */
export async function runDedupCycle(job: DedupCycleJob): Promise<DedupCycleResult> {
  const p = dedupParams(job.mode);
  const benchmark = { train: Array.from({ length: p.experiences }, (_, e) => new ExperienceDataset(e, p.samples, p.features)) };
  collectGarbage();
  const rssBeforeLoad = residentBytes();
  let state: RunState;
  let loadMs = 0;
  if (job.cycle === 1) {
    state = { cycle: 0, buffer: Array.from({ length: p.bufferSize }, (_, i) => ({ dataset: benchmark.train[0]!, index: i })), losses: [] };
  } else {
    const t0 = performance.now();
    state = (await load(job.file, job.unique ? { uniqueObjects: benchmark } : {})) as RunState;
    loadMs = performance.now() - t0;
  }
  const current = benchmark.train[job.cycle % p.experiences]!;
  const from = ((job.cycle - 1) * p.replacedPerCycle) % p.bufferSize;
  for (let i = 0; i < p.replacedPerCycle; i++) state.buffer[(from + i) % p.bufferSize] = { dataset: current, index: (job.cycle * 7919 + i) % p.samples };
  state.cycle = job.cycle;
  state.losses = [...state.losses.slice(-99), 1 / job.cycle];
  const t1 = performance.now();
  await save(state, job.file);
  const saveMs = performance.now() - t1;
  collectGarbage();
  const alive = new Set<ExperienceDataset>([...benchmark.train, ...state.buffer.map((e) => e.dataset)]);
  return {
    cycle: job.cycle,
    fileBytes: fs.statSync(job.file).size,
    loadMs,
    saveMs,
    rssBeforeLoad,
    rssAfterCycle: residentBytes(),
    datasetsAlive: alive.size,
  };
}
