/**
 * reprise against the original's own path on the original's profiling case: Naive +
 * SimpleMLP(3072 → 512 → 100) with SGD momentum after a few steps, saved with
 * `saveCheckpoint` and loaded with `maybeLoadCheckpoint`, against `torch.save` /
 * `torch.load` with dill (bench/torch/checkpoint_server.py, same model and optimizer,
 * fsynced and renamed like reprise's save). Rounds alternate between the two so that
 * both see the same machine; each side times itself around its own calls.
 *
 *   node dist/bench/torch-compare.js [--rounds 15] [--python /usr/bin/python3] [--quick] [--json]
 *
 * `--json`: the last line printed is a `TorchComparison` (bench/lib/results.ts), for
 * `npm run bench`.
 * Skipped, with a note and exit code 0, when Python, torch or dill is missing
 * (Debian: `apt-get install python3-torch python3-dill`).
 */
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Command } from 'commander';
import { initBackend, maybeLoadCheckpoint, saveCheckpoint } from '../src/index.js';
import * as tf from '#tfjs-core';
import { collectTensors } from './cases/strategy.js';
import { buildRun, trainRun } from './cases/strategy-setup.js';
import type { TorchComparison } from './lib/results.js';
import { summarize } from './lib/stats.js';

const SERVER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'torch', 'checkpoint_server.py');

const opts = new Command()
  .option('--rounds <n>', 'alternating rounds', (v) => Number(v), 15)
  .option('--python <path>', 'the Python with torch and dill (default: $PYTHON, else the first of python3 and /usr/bin/python3 that imports them)')
  .option('--quick', 'reprise side on the quick-mode data, 2 rounds (for the test suite)', false)
  .option('--json', 'end with one JSON line of the results (for npm run bench)', false)
  .parse()
  .opts<{ rounds: number; python?: string; quick: boolean; json: boolean }>();

const candidates = opts.python ? [opts.python] : process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
const probes = candidates.map((exe) => ({ exe, run: spawnSync(exe, ['-c', 'import torch, dill; print(torch.__version__)'], { encoding: 'utf8' }) }));
const found = probes.find((p) => p.run.status === 0);
if (!found) {
  const why = probes.map(({ exe, run }) => `${exe}: ${run.error ? 'not found' : (run.stderr.trim().split('\n').at(-1) ?? 'import failed')}`).join('; ');
  const note = `torch comparison skipped: ${why} (Debian: apt-get install python3-torch python3-dill)`;
  console.log(note);
  if (opts.json) console.log(JSON.stringify({ skipped: note } satisfies TorchComparison));
  process.exit(0);
}
const probe = found.run;

await initBackend({ quiet: true });
const rounds = opts.quick ? 2 : opts.rounds;
const mode = opts.quick ? 'quick' : 'full';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-torch-'));
const ours = path.join(dir, 'reprise.ckpt');
const theirs = path.join(dir, 'torch.pkl');

const python = spawn(found.exe, [SERVER], { stdio: ['pipe', 'pipe', 'inherit'] });
const answers = readline.createInterface({ input: python.stdout! })[Symbol.asyncIterator]();
async function ask(command: string): Promise<{ ms: number; bytes?: number }> {
  python.stdin!.write(`${command}\n`);
  const { value, done } = await answers.next();
  if (done) throw new Error('the torch server ended early');
  return JSON.parse(value as string) as { ms: number; bytes?: number };
}

const run = buildRun('profiling', mode);
await trainRun('profiling', run);
const times = { reprise: { save: [] as number[], load: [] as number[] }, torch: { save: [] as number[], load: [] as number[] } };
let torchBytes = 0;
for (let r = -1; r < rounds; r++) {
  // round -1 warms both up and is not counted
  const fresh = buildRun('profiling', mode);
  // The fresh run's own initial weights: the load replaces its model and optimizer, so
  // they are no longer reachable from the strategy afterwards.
  const initial = collectTensors(fresh.strategy);
  let t = performance.now();
  await saveCheckpoint(run.strategy, ours);
  const save = performance.now() - t;
  const ts = await ask(`save ${theirs}`);
  t = performance.now();
  await maybeLoadCheckpoint(fresh.strategy, ours, { uniqueObjects: fresh.benchmark, quiet: true });
  const load = performance.now() - t;
  const tl = await ask(`load ${theirs}`);
  // Free what this round loaded and the fresh run's initial weights, as Python frees the
  // state it loaded: otherwise every round leaves a model behind, grows the WebAssembly
  // heap and pays for new pages in the next load (the rounds measured 20.7 ms for 8.5 ms
  // in the main bench's warm loads of the same file, which frees both).
  tf.dispose(collectTensors(fresh.strategy));
  tf.dispose(initial);
  if (r < 0) continue;
  times.reprise.save.push(save);
  times.reprise.load.push(load);
  times.torch.save.push(ts.ms);
  times.torch.load.push(tl.ms);
  torchBytes = ts.bytes ?? 0;
}
python.stdin!.write('quit\n');

const median = (a: number[]) => [...a].sort((x, y) => x - y)[a.length >> 1]!;
const row = (what: 'save' | 'load') => {
  const a = median(times.reprise[what]);
  const b = median(times.torch[what]);
  return `${what}: reprise ${a.toFixed(1)} ms, torch ${b.toFixed(1)} ms, ratio ${(a / b).toFixed(2)}×`;
};
console.log(`profiling case, ${rounds} alternating rounds (medians; torch ${probe.stdout.trim()}, ${os.cpus().length} cores)`);
console.log(`file: reprise ${fs.statSync(ours).size} bytes, torch ${torchBytes} bytes`);
console.log(row('save') + '   (target: durable save ≤ 1.0× torch.save + fsync)');
console.log(row('load') + '   (target: load ≤ 0.7× torch.load)');
if (opts.json) {
  const result: TorchComparison = {
    rounds,
    torchVersion: probe.stdout.trim(),
    repriseBytes: fs.statSync(ours).size,
    torchBytes,
    reprise: { save: summarize(times.reprise.save), load: summarize(times.reprise.load) },
    torch: { save: summarize(times.torch.save), load: summarize(times.torch.load) },
  };
  console.log(JSON.stringify(result));
}
fs.rmSync(dir, { recursive: true, force: true });
