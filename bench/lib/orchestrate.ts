import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEDUP_CASE, dedupParams, type DedupCycleResult } from '../cases/dedup-cycles.js';
import type { BenchCase, Mode, SubjectName } from '../cases/types.js';
import type { LoadMemoryResult, MeasureResult } from './jobs.js';
import type { CaseResult, DedupResult, DedupSeries, SubjectResult, VariantResult } from './results.js';
import { runJob } from './spawn-job.js';

export interface RunPlan {
  mode: Mode;
  warmup: number;
  reps: number;
  /** See MeasureJob: extra repetitions for cheap cases, within a time budget. */
  maxReps: number;
  budgetMs: number;
  cold: boolean;
  /** Folder for the checkpoint files (on the disk being measured). */
  workDir: string;
  /** Longest a child may run. */
  timeoutMs: number;
  /** Children run at once: 1 for honest timings; quick mode may use more. */
  concurrency: number;
  log: (line: string) => void;
}

/** Measures every variant of `c` with every subject, each in fresh child processes. */
export async function runCase(c: BenchCase, plan: RunPlan): Promise<CaseResult> {
  const variants: VariantResult[] = [];
  for (const variant of c.variants(plan.mode)) {
    const subjects: Partial<Record<SubjectName, SubjectResult>> = {};
    for (const [name, reason] of Object.entries(c.notApplicable ?? {})) subjects[name as SubjectName] = { status: 'n/a', reason: reason! };
    let prepared: string | undefined;
    if (c.prepare) {
      prepared = path.join(plan.workDir, `${c.name}-${variant.id}.prepared.reprise`);
      plan.log(`${c.name} / ${variant.id} / preparing the state`);
      const outcome = await runJob({ kind: 'prepare', mode: plan.mode, caseName: c.name, variantId: variant.id, file: prepared, resultFile: `${prepared}.result.json` }, plan.timeoutMs);
      if (!outcome.ok) {
        for (const s of c.subjects) subjects[s] = { status: 'error', reason: `preparing the state failed: ${firstLine(outcome.error)}` };
        variants.push({ id: variant.id, label: variant.label, params: variant.params, tensorHeavy: c.tensorHeavy(variant), subjects });
        continue;
      }
    }
    const measured: SubjectName[] = [];
    for (const subject of c.subjects) {
      const skip = subject === 'json' ? c.jsonSkip?.(variant) : undefined;
      if (skip) subjects[subject] = { status: 'skipped', reason: skip };
      else measured.push(subject);
    }
    await inPool(measured, plan.concurrency, async (subject) => {
      plan.log(`${c.name} / ${variant.id} / ${subject}`);
      subjects[subject] = await runSubject(c, variant.id, subject, plan, prepared);
    });
    if (prepared) fs.rmSync(prepared, { force: true });
    variants.push({ id: variant.id, label: variant.label, params: variant.params, tensorHeavy: c.tensorHeavy(variant), subjects });
  }
  return { name: c.name, title: c.title, description: c.description, variants };
}

async function runSubject(c: BenchCase, variantId: string, subject: SubjectName, plan: RunPlan, prepared: string | undefined): Promise<SubjectResult> {
  const file = path.join(plan.workDir, `${c.name}-${variantId}-${subject}.bin`);
  const resultFile = `${file}.result.json`;
  const common = { mode: plan.mode, caseName: c.name, variantId, subject, file, resultFile, ...(prepared ? { prepared } : {}) };
  try {
    const memoryHere = plan.mode === 'quick';
    const measured = await runJob<MeasureResult>({ kind: 'measure', ...common, warmup: plan.warmup, reps: plan.reps, maxReps: plan.maxReps, budgetMs: plan.budgetMs, cold: plan.cold, memoryHere }, plan.timeoutMs);
    if (!measured.ok || !measured.result) return { status: 'error', reason: firstLine(measured.error) };
    if (measured.result.loadMemory) {
      const { loadMemory, ...measure } = measured.result;
      return { status: 'ok', measure, loadMemory };
    }
    const memory = await runJob<LoadMemoryResult>({ kind: 'load-memory', ...common, cold: plan.cold }, plan.timeoutMs);
    return {
      status: 'ok',
      measure: measured.result,
      ...(memory.ok && memory.result ? { loadMemory: memory.result } : { loadMemoryError: firstLine(memory.error) }),
    };
  } finally {
    for (const f of fs.readdirSync(plan.workDir)) if (f.startsWith(`${c.name}-${variantId}-${subject}.bin`)) fs.rmSync(path.join(plan.workDir, f), { force: true });
  }
}

/** Case 5: `cycles` fresh processes in a row, with and then without `uniqueObjects`. */
export async function runDedup(plan: RunPlan): Promise<DedupResult> {
  const params = dedupParams(plan.mode);
  const runSeries = async (unique: boolean): Promise<DedupSeries> => {
    const file = path.join(plan.workDir, `dedup-${unique ? 'unique' : 'plain'}.bin`);
    fs.rmSync(file, { force: true });
    const cycles: DedupCycleResult[] = [];
    let error: string | undefined;
    for (let cycle = 1; cycle <= params.cycles; cycle++) {
      plan.log(`${DEDUP_CASE.name} / ${unique ? 'with' : 'without'} uniqueObjects / cycle ${cycle}`);
      const outcome = await runJob<DedupCycleResult>(
        { kind: 'dedup-cycle', mode: plan.mode, cycle, unique, file, resultFile: `${file}.result.json` },
        plan.timeoutMs,
      );
      if (!outcome.ok || !outcome.result) {
        error = firstLine(outcome.error);
        break;
      }
      cycles.push(outcome.result);
    }
    fs.rmSync(file, { force: true });
    return { unique, cycles, ...(error ? { error } : {}) };
  };
  const series: DedupSeries[] = [];
  await inPool([true, false], plan.concurrency, async (unique) => {
    series.push(await runSeries(unique));
  });
  series.sort((a, b) => Number(b.unique) - Number(a.unique));
  return { ...DEDUP_CASE, params, series };
}

/** Runs `fn` over `items`, at most `size` at a time. */
async function inPool<T>(items: readonly T[], size: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(size, items.length)) }, worker));
}

function firstLine(error: string | undefined): string {
  const text = error ?? 'unknown error';
  const lines = text.split('\n');
  return lines.slice(0, 3).join(' | ');
}
