/**
 * Fresh-process resume for a user of the engine alone (`reprise`, no cl layer): the time
 * from process start to the end of the first optimizer step after loading a checkpoint,
 * and what it is spent on — node's start, the engine's modules, the backend, the load,
 * the step — over several fresh processes (medians), and whether tfjs-layers was loaded.
 * The checkpoint holds the weights of an MLP 784 → 256 → 10 as `tf.Variable`s and a
 * momentum optimizer; with `--model` also a tfjs-layers model, which the engine meets
 * only at load (tfjs-layers is loaded then, so its cost moves into the load).
 *
 *   node dist/bench/engine-resume.js [--runs 5] [--model]
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import * as tf from '@tensorflow/tfjs';
import { initBackend, save } from '../src/index.js';
import { summarize } from './lib/stats.js';

const opts = new Command()
  .option('--runs <n>', 'fresh processes', (v) => Number(v), 5)
  .option('--model', 'also store a tfjs-layers model', false)
  .parse()
  .opts<{ runs: number; model: boolean }>();

await initBackend({ quiet: true });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-engine-resume-'));
const file = path.join(dir, 'engine.ckpt');
const weights = [tf.variable(tf.randomNormal([784, 256])), tf.variable(tf.zeros([256])), tf.variable(tf.randomNormal([256, 10])), tf.variable(tf.zeros([10]))];
const optimizer = tf.train.momentum(0.01, 0.9);
optimizer.applyGradients(weights.map((v) => ({ name: v.name, tensor: tf.onesLike(v) })));
const model = opts.model ? tf.sequential({ layers: [tf.layers.dense({ units: 10, inputShape: [784] })] }) : undefined;
await save({ weights, optimizer, ...(model ? { model } : {}) }, file);

const child = fileURLToPath(new URL('./engine-resume-child.js', import.meta.url));
const samples: Record<string, number | boolean>[] = [];
for (let i = 0; i < opts.runs; i++) {
  const out = spawnSync(process.execPath, [child, file], { encoding: 'utf8', env: { ...process.env, REPRISE_QUIET: '1' } });
  if (out.status !== 0) throw new Error(`engine resume child failed: ${out.stderr}`);
  samples.push(JSON.parse(out.stdout.trim().split('\n').at(-1)!) as Record<string, number | boolean>);
}
const median = (k: string) => summarize(samples.map((s) => s[k] as number)).median;
console.log(`fresh-process engine-only resume (${fs.statSync(file).size} bytes${opts.model ? ', with a model' : ''}), median of ${opts.runs}:`);
for (const [k, label] of [
  ['boot', 'node start'],
  ['engineMs', 'engine modules'],
  ['backendMs', 'backend start'],
  ['loadMs', 'load the checkpoint'],
  ['iterationMs', 'first optimizer step'],
  ['total', 'total to first step'],
] as const) {
  console.log(`  ${label.padEnd(30)} ${median(k).toFixed(0).padStart(6)} ms`);
}
console.log(`  tfjs-layers loaded by the import: ${samples.some((s) => s.layersAfterImport)}; by the end: ${samples.some((s) => s.layersAtEnd)}`);
fs.rmSync(dir, { recursive: true, force: true });
