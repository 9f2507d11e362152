/**
 * Fresh-process resume: the time from process start to the end of the first training
 * iteration after `maybeLoadCheckpoint`, and what it is spent on — node's start, loading
 * the engine's modules, the cl layer's (with @tensorflow/tfjs, as a training script
 * imports it), starting the tensor backend, building the run, loading the checkpoint,
 * the first iteration — over several fresh processes (medians).
 *
 *   node dist/bench/resume-time.js [--kind replay|profiling] [--runs 5] [--quick]
 *
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

const opts = new Command()
  .option('--kind <kind>', 'replay (the example) or profiling', 'replay')
  .option('--runs <n>', 'fresh processes', (v) => Number(v), 5)
  .option('--quick', 'small data, 1 run (for the test suite)', false)
  .parse()
  .opts<{ kind: RunKind; runs: number; quick: boolean }>();
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
const median = (k: string) => [...samples.map((s) => s[k]!)].sort((a, b) => a - b)[samples.length >> 1]!;
const parts: [string, string][] = [
  ['boot', 'node start'],
  ['engineMs', 'engine modules'],
  ['clMs', 'cl layer + @tensorflow/tfjs'],
  ['backendMs', 'backend start'],
  ['buildMs', 'build the run'],
  ['loadMs', 'load the checkpoint'],
  ['iterationMs', 'first iteration'],
];
console.log(`fresh-process resume of the ${opts.kind} run (${fs.statSync(file).size} bytes), median of ${runs}:`);
for (const [k, label] of parts) console.log(`  ${label.padEnd(30)} ${median(k).toFixed(0).padStart(6)} ms`);
console.log(`  ${'total to first iteration'.padEnd(30)} ${median('total').toFixed(0).padStart(6)} ms`);
fs.rmSync(dir, { recursive: true, force: true });
