/**
 * How long a save keeps training waiting, next to how long until the checkpoint is
 * durable (written and fsynced): saves capture at the call and write in the background.
 *
 *   node dist/bench/save-blocking.js [--reps 5] [--mb 200] [--dir /tmp/x] [--quick] [--json]
 *
 * Cases: the original's profiling case (Naive, SimpleMLP(3072 → 100), one experience
 * trained), saved by `saveCheckpoint` and by `CheckpointPlugin({ writeInBackground })`;
 * and `--mb` MB of float32 tensors saved by `save`. "blocked" is the time until the
 * call returned its promise (plugin: until `saveCheckpoint` returned); "durable" the
 * time until the promise resolved (plugin: until the background write was stored).
 * `--quick`: the profiling case on its small data set (for the test suite); `--json`:
 * one line of JSON (the rows) instead of the table — what `npm run bench` reads.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as tf from '@tensorflow/tfjs';
import { CheckpointPlugin, initBackend, save, saveCheckpoint } from '../src/index.js';
import { buildRun, trainRun } from './cases/strategy-setup.js';
import type { SaveBlockingRow } from './lib/results.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}
const reps = arg('reps', 5);
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const megabytes = arg('mb', 200);
const dirArg = process.argv.indexOf('--dir');
const dir = dirArg >= 0 ? process.argv[dirArg + 1]! : fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-blocking-'));
fs.mkdirSync(dir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const rows: SaveBlockingRow[] = [];

/** Times `start()` until it returns its promise, then until the promise resolves. */
async function measure(label: string, start: () => Promise<unknown>): Promise<void> {
  const blocked: number[] = [];
  const durable: number[] = [];
  for (let r = 0; r < reps + 1; r++) {
    const t0 = performance.now();
    const p = start();
    const t1 = performance.now();
    await p;
    const t2 = performance.now();
    if (r === 0) continue; // warm-up
    blocked.push(t1 - t0);
    durable.push(t2 - t0);
  }
  rows.push({ case: label, blocked: median(blocked), durable: median(durable), reps });
}

const backend = await initBackend({ quiet: true });
process.env.REPRISE_QUIET = '1';

const run = buildRun('profiling', quick ? 'quick' : 'full');
await trainRun('profiling', run);
await measure('profiling case, saveCheckpoint()', () => saveCheckpoint(run.strategy, path.join(dir, 'profiling.reprise')));

const plugin = new CheckpointPlugin(path.join(dir, 'plugin'), { writeInBackground: true });
const pluginRuns: Array<{ blockedMs: number; durableMs: number }> = [];
for (let r = 0; r < reps + 1; r++) {
  await plugin.saveCheckpoint(run.strategy);
  await plugin.flush();
}
pluginRuns.push(...plugin.timings.slice(1));
rows.push({
  case: 'profiling case, CheckpointPlugin writeInBackground',
  blocked: median(pluginRuns.map((t) => t.blockedMs)),
  durable: median(pluginRuns.map((t) => t.durableMs)),
  reps,
});

const perTensor = 4 * 1024 * 1024;
const tensors = Array.from({ length: Math.max(1, Math.round((megabytes * 1e6) / perTensor)) }, (_, i) => tf.fill([perTensor / 4], i));
await measure(`${megabytes} MB of tensors, save()`, () => save({ tensors }, path.join(dir, 'tensors.reprise')));

if (json) {
  console.log(JSON.stringify({ backend, rows }));
} else {
  console.log(`save blocking vs durable (${backend} backend, ${os.cpus().length} cores, median of ${reps}, folder ${dir})`);
  console.log('| case | save() blocks (ms) | durable after (ms) | blocked share |');
  console.log('|---|---:|---:|---:|');
  for (const r of rows) console.log(`| ${r.case} | ${r.blocked.toFixed(1)} | ${r.durable.toFixed(1)} | ${((100 * r.blocked) / r.durable).toFixed(0)}% |`);
}
if (dirArg < 0) fs.rmSync(dir, { recursive: true, force: true });
