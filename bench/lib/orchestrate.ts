import * as fs from 'node:fs';
import * as path from 'node:path';
import { DEDUP_CASE, dedupParams, type DedupCycleResult } from '../cases/dedup-cycles.js';
import type { BenchCase, Mode, SubjectName, Variant } from '../cases/types.js';
import type { LoadMemoryResult, MeasureResult, SaveMemoryResult, TimeResult } from './jobs.js';
import { subjectFile } from './paths.js';
import type { CaseResult, DedupResult, DedupSeries, SubjectResult, VariantResult } from './results.js';
import { runJob } from './spawn-job.js';

export interface RunPlan {
  mode: Mode;
  warmup: number;
  reps: number;
  /** See TimeJob: extra rounds for cheap cases, within a time budget. */
  maxReps: number;
  budgetMs: number;
  cold: boolean;
  /** Folder for the checkpoint files (on the disk being measured). */
  workDir: string;
  /** Longest a child may run. */
  timeoutMs: number;
  /** Children run at once (quick mode's dedup series; timings always run alone). */
  concurrency: number;
  log: (line: string) => void;
}

/**
 * Measures every variant of `c`: its state prepared once if the case needs it, then one
 * process timing every subject in interleaved rounds, then (full mode) two fresh
 * processes per subject for the peak memory of a save and of a load.
 */
export async function runCase(c: BenchCase, plan: RunPlan): Promise<CaseResult> {
  const variants: VariantResult[] = [];
  for (const variant of c.variants(plan.mode)) {
    variants.push({ id: variant.id, label: variant.label, params: variant.params, tensorHeavy: c.tensorHeavy(variant), subjects: await runVariant(c, variant, plan) });
  }
  return { name: c.name, title: c.title, description: c.description, variants };
}

async function runVariant(c: BenchCase, variant: Variant, plan: RunPlan): Promise<Partial<Record<SubjectName, SubjectResult>>> {
  const subjects: Partial<Record<SubjectName, SubjectResult>> = {};
  for (const [name, reason] of Object.entries(c.notApplicable ?? {})) subjects[name as SubjectName] = { status: 'n/a', reason: reason! };
  const measured: SubjectName[] = [];
  for (const subject of c.subjects) {
    const skip = subject === 'json' ? c.jsonSkip?.(variant) : undefined;
    if (skip) subjects[subject] = { status: 'skipped', reason: skip };
    else measured.push(subject);
  }
  const fail = (reason: string) => {
    for (const s of measured) subjects[s] = { status: 'error', reason };
    return subjects;
  };
  const base = { mode: plan.mode, caseName: c.name, variantId: variant.id };
  let prepared: string | undefined;
  try {
    if (c.prepare) {
      prepared = path.join(plan.workDir, `${c.name}-${variant.id}.prepared.reprise`);
      plan.log(`${c.name} / ${variant.id} / preparing the state`);
      const outcome = await runJob({ kind: 'prepare', ...base, file: prepared, resultFile: `${prepared}.result.json` }, plan.timeoutMs);
      if (!outcome.ok) return fail(`preparing the state failed: ${firstLine(outcome.error)}`);
    }
    plan.log(`${c.name} / ${variant.id} / timing ${measured.join(', ')}`);
    const timing = await runJob<TimeResult>(
      {
        kind: 'time',
        ...base,
        subjects: measured,
        warmup: plan.warmup,
        reps: plan.reps,
        maxReps: plan.maxReps,
        budgetMs: plan.budgetMs,
        cold: plan.cold,
        dir: plan.workDir,
        memoryHere: plan.mode === 'quick',
        ...(prepared ? { prepared } : {}),
        resultFile: path.join(plan.workDir, `${c.name}-${variant.id}.time.json`),
      },
      plan.timeoutMs,
    );
    if (!timing.ok || !timing.result) return fail(firstLine(timing.error));
    const t = timing.result;
    for (const s of measured) {
      const { saveMemory: quickSave, loadMemory: quickLoad, ...timings } = t.bySubject[s]!;
      const common = { backend: t.backend, memoryMethod: t.memoryMethod, ...(t.coldRefused ? { coldRefused: t.coldRefused } : {}) };
      if (quickSave && quickLoad) {
        subjects[s] = { status: 'ok', measure: { ...common, ...timings, saveMemory: quickSave }, loadMemory: quickLoad };
        continue;
      }
      const file = subjectFile(plan.workDir, c.name, variant.id, s);
      plan.log(`${c.name} / ${variant.id} / ${s}: memory of a save and of a load, each in a fresh process`);
      const save = await runJob<SaveMemoryResult>({ kind: 'save-memory', ...base, subject: s, file, ...(prepared ? { prepared } : {}), resultFile: `${file}.result.json` }, plan.timeoutMs);
      if (!save.ok || !save.result) {
        subjects[s] = { status: 'error', reason: `save memory: ${firstLine(save.error)}` };
        continue;
      }
      const measure: MeasureResult = { ...common, ...timings, saveMemory: save.result.memory };
      const load = await runJob<LoadMemoryResult>({ kind: 'load-memory', ...base, subject: s, cold: plan.cold, file, resultFile: `${file}.result.json` }, plan.timeoutMs);
      subjects[s] = { status: 'ok', measure, ...(load.ok && load.result ? { loadMemory: load.result } : { loadMemoryError: firstLine(load.error) }) };
    }
    return subjects;
  } finally {
    const prefix = `${c.name}-${variant.id}`;
    for (const f of fs.readdirSync(plan.workDir)) if (f.startsWith(prefix)) fs.rmSync(path.join(plan.workDir, f), { force: true });
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
      const outcome = await runJob<DedupCycleResult>({ kind: 'dedup-cycle', mode: plan.mode, cycle, unique, file, resultFile: `${file}.result.json` }, plan.timeoutMs);
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
  return (error ?? 'unknown error').split('\n').slice(0, 3).join(' | ');
}
