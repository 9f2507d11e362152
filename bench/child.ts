/**
 * One benchmark job in a fresh process (so that peak memory is this job's own): reads
 * the job from argv[2] as JSON, writes `{ ok, result | error }` to `job.resultFile`.
 * Started by bench/run.ts with `--expose-gc`.
 */
import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import { initBackend } from '../src/index.js';
import { runDedupCycle } from './cases/dedup-cycles.js';
import { findCase } from './cases/index.js';
import type { BenchCase, Variant } from './cases/types.js';
import type { Job, JobOutcome, LoadMemoryJob, LoadMemoryResult, MeasureJob, MeasureResult, PrepareJob } from './lib/jobs.js';
import { collectGarbage, PeakMeter } from './lib/memory.js';
import { dropPageCache, pageCacheRefusal } from './lib/page-cache.js';
import { disposeAll } from './lib/plain-graph.js';
import { summarize } from './lib/stats.js';
import { SUBJECTS } from './subjects/index.js';

async function main(): Promise<void> {
  const job = JSON.parse(process.argv[2] ?? '') as Job;
  let outcome: JobOutcome;
  try {
    await initBackend({ quiet: true });
    const result =
      job.kind === 'measure'
        ? await measure(job)
        : job.kind === 'load-memory'
          ? await loadMemory(job)
          : job.kind === 'prepare'
            ? await prepare(job)
            : await runDedupCycle(job);
    outcome = { ok: true, result };
  } catch (err) {
    outcome = { ok: false, error: (err as Error)?.stack ?? String(err) };
  }
  fs.writeFileSync(job.resultFile, JSON.stringify(outcome));
}

function variantOf(c: BenchCase, job: { mode: MeasureJob['mode']; variantId: string }): Variant {
  const v = c.variants(job.mode).find((x) => x.id === job.variantId);
  if (!v) throw new Error(`case ${c.name} has no variant ${job.variantId}`);
  return v;
}

function fileBytes(files: string[]): number {
  return files.reduce((n, f) => n + fs.statSync(f).size, 0);
}

async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

async function measure(job: MeasureJob): Promise<MeasureResult> {
  const c = findCase(job.caseName);
  const variant = variantOf(c, job);
  const subject = SUBJECTS[job.subject];
  const state = await c.build(variant, job.subject, job.prepared, job.mode);
  const meter = new PeakMeter();

  // The first save of the process is the warm-up and the memory probe.
  meter.start();
  await subject.save(c, state, job.file);
  const saveMemory = meter.stop();
  for (let i = 1; i < job.warmup; i++) await subject.save(c, state, job.file);
  for (let i = 0; i < job.warmup; i++) {
    const prepared = await subject.prepareLoad(c, variant, job.mode);
    disposeAll(await subject.load(c, job.file, prepared));
  }

  // What each timed load needs (a freshly built strategy, for the strategy cases) is built
  // before the timed loop, so that its garbage is not collected inside a timed load.
  const loadsPerRep = job.cold && dropPageCache() ? 2 : 1;
  const targets: unknown[] = [];
  for (let i = 0; i < Math.max(job.reps, job.maxReps) * loadsPerRep; i++) targets.push(await subject.prepareLoad(c, variant, job.mode));
  const saves: number[] = [];
  const warm: number[] = [];
  const cold: number[] = [];
  const started = performance.now();
  for (let r = 0; r < job.reps || (r < job.maxReps && performance.now() - started < job.budgetMs); r++) {
    // No forced GC before a timed operation: a full GC shrinks V8's heap limits, so the
    // next operation that allocates (reprise's encoder) pays an extra mark-compact that
    // a real run does not, while code allocating outside the JS heap (v8.serialize) does not.
    saves.push((await timed(() => subject.save(c, state, job.file))).ms);
    const w = await timed(() => subject.load(c, job.file, targets.shift()));
    warm.push(w.ms);
    disposeAll(w.value);
    if (loadsPerRep === 2) {
      dropPageCache();
      const k = await timed(() => subject.load(c, job.file, targets.shift()));
      cold.push(k.ms);
      disposeAll(k.value);
    }
  }
  const refusal = pageCacheRefusal();
  const loadMemoryHere = job.memoryHere ? await loadMemory({ ...job, kind: 'load-memory' }) : undefined;
  return {
    backend: tf.getBackend(),
    memoryMethod: meter.method,
    fileBytes: fileBytes(subject.files(job.file)),
    tensorBytes: c.tensorBytes(state),
    save: summarize(saves),
    loadWarm: summarize(warm),
    ...(cold.length > 0 ? { loadCold: summarize(cold) } : {}),
    ...(refusal ? { coldRefused: refusal } : {}),
    saveMemory,
    ...(loadMemoryHere ? { loadMemory: loadMemoryHere } : {}),
  };
}

async function prepare(job: PrepareJob): Promise<{ preparedBytes: number; ms: number }> {
  const c = findCase(job.caseName);
  if (!c.prepare) throw new Error(`case ${c.name} has nothing to prepare`);
  const { ms } = await timed(() => c.prepare!(variantOf(c, job), job.file, job.mode));
  return { preparedBytes: fs.statSync(job.file).size, ms };
}

async function loadMemory(job: LoadMemoryJob): Promise<LoadMemoryResult> {
  const c = findCase(job.caseName);
  const variant = variantOf(c, job);
  const subject = SUBJECTS[job.subject];
  const prepared = await subject.prepareLoad(c, variant, job.mode);
  const cold = job.cold && dropPageCache();
  const meter = new PeakMeter();
  meter.start();
  const heapBefore = process.memoryUsage();
  const tfBefore = tf.memory().numBytes;
  const { ms, value } = await timed(() => subject.load(c, job.file, prepared));
  const memory = meter.stop();
  collectGarbage();
  const heapAfter = process.memoryUsage();
  const live =
    heapAfter.heapUsed - heapBefore.heapUsed + Math.max(tf.memory().numBytes - tfBefore, heapAfter.arrayBuffers - heapBefore.arrayBuffers, 0);
  const rssGrowth = heapAfter.rss - memory.before;
  keepAlive(value);
  return { backend: tf.getBackend(), memoryMethod: meter.method, loadMs: ms, cold, memory, liveBytes: Math.max(0, live), rssGrowth };
}

/** Keeps the loaded value reachable until the measurement is over. */
let kept: unknown;
function keepAlive(v: unknown): void {
  kept = v;
}

await main();
void kept;
