/**
 * Fresh-process resume: the time from process start to the end of the first training
 * iteration after `maybeLoadCheckpoint`, and what it is spent on — node's start, loading
 * the engine's modules (with tfjs-core), the cl layer's (with tfjs-layers), starting the tensor backend, building the run, loading the checkpoint,
 * the first iteration — over several fresh processes (medians).
 *
 *   node dist/bench/resume-time.js [--kind replay|profiling] [--runs 5] [--quick] [--json]
 *
 * `--json`: the last line printed is a `ResumeTime` (bench/lib/results.ts), for `npm run bench`.
 * `replay` is the example's run (SimpleMLP on SplitMNIST with replay, plus LwF and EWC);
 * `profiling` the original's profiling case (SimpleMLP 3072 → 512 → 100, momentum).
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { initBackend, saveCheckpoint } from '../src/index.js';
import { buildRun, trainRun, type RunKind } from './cases/strategy-setup.js';
import { RESUME_PARTS, type ResumeTime } from './lib/results.js';
import { summarize } from './lib/stats.js';

const opts = new Command()
  .option('--kind <kind>', 'replay (the example) or profiling', 'replay')
  .option('--runs <n>', 'fresh processes', (v) => Number(v), 5)
  .option('--quick', 'small data, 1 run (for the test suite)', false)
  .option('--json', 'end with one JSON line of the results (for npm run bench)', false)
  .parse()
  .opts<{ kind: RunKind; runs: number; quick: boolean; json: boolean }>();
const mode = opts.quick ? 'quick' : 'full';
const runs = opts.quick ? 1 : opts.runs;

await initBackend({ quiet: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-resume-'));
const file = path.join(dir, 'run.ckpt');
const run = buildRun(opts.kind, mode);
await trainRun(opts.kind, run);
await saveCheckpoint(run.strategy, file);

const child = fileURLToPath(new URL('./resume-child.js', import.meta.url));
const samples: Record<string, number>[] = [];
for (let i = 0; i < runs; i++) {
  const out = spawnSync(process.execPath, [child, opts.kind, mode, file], { encoding: 'utf8', env: { ...process.env, REPRISE_QUIET: '1' } });
  if (out.status !== 0) throw new Error(`resume child failed: ${out.stderr}`);
  samples.push(JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Record<string, number>);
}
const median = (k: string) => summarize(samples.map((s) => s[k]!)).median;
console.log(`fresh-process resume of the ${opts.kind} run (${fs.statSync(file).size} bytes), median of ${runs}:`);
for (const [k, label] of RESUME_PARTS) console.log(`  ${label.padEnd(30)} ${median(k).toFixed(0).padStart(6)} ms`);
console.log(`  ${'total to first iteration'.padEnd(30)} ${median('total').toFixed(0).padStart(6)} ms`);
if (opts.json) {
  const result: ResumeTime = {
    kind: opts.kind,
    fileBytes: fs.statSync(file).size,
    runs,
    parts: Object.fromEntries(RESUME_PARTS.map(([k]) => [k, summarize(samples.map((s) => s[k]!))])),
    total: summarize(samples.map((s) => s.total!)),
  };
  console.log(JSON.stringify(result));
}
fs.rmSync(dir, { recursive: true, force: true });
