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
import type { BenchCase, BuiltState, Mode, SubjectName, Variant } from './cases/types.js';
import type {
  Job,
  JobOutcome,
  LoadMemoryJob,
  LoadMemoryResult,
  PrepareJob,
  SaveMemoryJob,
  SaveMemoryResult,
  SubjectTimings,
  TimeJob,
  TimeResult,
} from './lib/jobs.js';
import { collectGarbage, PeakMeter } from './lib/memory.js';
import { subjectFile } from './lib/paths.js';
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
      job.kind === 'time'
        ? await time(job)
        : job.kind === 'save-memory'
          ? await saveMemory(job)
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

function variantOf(c: BenchCase, job: { mode: Mode; variantId: string }): Variant {
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

async function time(job: TimeJob): Promise<TimeResult> {
  const c = findCase(job.caseName);
  const variant = variantOf(c, job);
  const meter = new PeakMeter();
  // JSON may need its own (cycle-free) state; every other subject shares one.
  const states = new Map<string, BuiltState>();
  const stateFor = async (s: SubjectName): Promise<BuiltState> => {
    const key = s === 'json' ? 'json' : 'other';
    if (!states.has(key)) states.set(key, await c.build(variant, s, job.prepared, job.mode));
    return states.get(key)!;
  };
  const file = (s: SubjectName) => subjectFile(job.dir, c.name, variant.id, s);
  const cold = job.cold && dropPageCache();
  const loadsPerRound = cold ? 2 : 1;

  const out: Partial<Record<SubjectName, SubjectTimings & { saves: number[]; warm: number[]; cold: number[] }>> = {};
  const targets = new Map<SubjectName, unknown[]>();
  for (const s of job.subjects) {
    const subject = SUBJECTS[s];
    const state = await stateFor(s);
    let saveMemory;
    if (job.memoryHere) meter.start();
    await subject.save(c, state, file(s)); // first save: warm-up (and, in quick mode, the memory probe)
    if (job.memoryHere) saveMemory = meter.stop();
    for (let i = 1; i < job.warmup; i++) await subject.save(c, state, file(s));
    for (let i = 0; i < job.warmup; i++) disposeAll(await subject.load(c, file(s), await subject.prepareLoad(c, variant, job.mode)));
    // What each timed load needs (a fresh strategy) is built before the timed rounds, so
    // that its garbage is not collected inside a timed load.
    const list: unknown[] = [];
    for (let i = 0; i < Math.max(job.reps, job.maxReps) * loadsPerRound; i++) list.push(await subject.prepareLoad(c, variant, job.mode));
    targets.set(s, list);
    out[s] = {
      fileBytes: 0,
      tensorBytes: c.tensorBytes(state),
      saves: [],
      warm: [],
      cold: [],
      ...(saveMemory ? { saveMemory } : {}),
    } as never;
  }

  // No forced GC before a timed operation: a full GC shrinks V8's heap limits, so the next
  // operation that allocates in the JS heap (reprise's encoder) pays an extra mark-compact
  // that a real run does not, while code allocating outside it (v8.serialize) does not.
  const started = performance.now();
  let round = 0;
  for (; round < job.reps || (round < job.maxReps && performance.now() - started < job.budgetMs * job.subjects.length); round++) {
    for (let k = 0; k < job.subjects.length; k++) {
      const s = job.subjects[(round + k) % job.subjects.length]!;
      const subject = SUBJECTS[s];
      const o = out[s]!;
      o.saves.push((await timed(() => subject.save(c, states.get(s === 'json' ? 'json' : 'other')!, file(s)))).ms);
      const w = await timed(() => subject.load(c, file(s), targets.get(s)!.shift()));
      o.warm.push(w.ms);
      disposeAll(w.value);
      if (cold) {
        dropPageCache();
        const k2 = await timed(() => subject.load(c, file(s), targets.get(s)!.shift()));
        o.cold.push(k2.ms);
        disposeAll(k2.value);
      }
    }
  }

  const bySubject: TimeResult['bySubject'] = {};
  for (const s of job.subjects) {
    const o = out[s]!;
    bySubject[s] = {
      fileBytes: fileBytes(SUBJECTS[s].files(file(s))),
      tensorBytes: o.tensorBytes,
      save: summarize(o.saves),
      loadWarm: summarize(o.warm),
      ...(o.cold.length ? { loadCold: summarize(o.cold) } : {}),
      ...(o.saveMemory ? { saveMemory: o.saveMemory } : {}),
    };
  }
  if (job.memoryHere) {
    for (const s of job.subjects) {
      bySubject[s]!.loadMemory = await loadMemory({ kind: 'load-memory', mode: job.mode, caseName: job.caseName, variantId: job.variantId, subject: s, cold: job.cold, file: file(s), resultFile: '' });
    }
  }
  const refusal = pageCacheRefusal();
  return { backend: tf.getBackend(), memoryMethod: meter.method, rounds: round, bySubject, ...(refusal ? { coldRefused: refusal } : {}) };
}

async function saveMemory(job: SaveMemoryJob): Promise<SaveMemoryResult> {
  const c = findCase(job.caseName);
  const variant = variantOf(c, job);
  const subject = SUBJECTS[job.subject];
  const state = await c.build(variant, job.subject, job.prepared, job.mode);
  const meter = new PeakMeter();
  meter.start();
  await subject.save(c, state, job.file);
  const memory = meter.stop();
  return { memory, fileBytes: fileBytes(subject.files(job.file)) };
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
