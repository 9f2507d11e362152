/**
 * One fresh-process resume, for bench/resume-time.ts: `node dist/bench/resume-child.js
 * <kind> <mode> <checkpoint>` builds the run as a script does, restores the checkpoint
 * and trains until the first iteration ends, then prints one JSON line of where the
 * time since process start went. Imports are dynamic so that their cost is measured.
 */
const boot = performance.now(); // node's own start and this file's parse
const [kind, mode, file] = process.argv.slice(2) as ['profiling' | 'replay', 'full' | 'quick', string];
process.env.REPRISE_QUIET = '1';

const mark = () => performance.now();
let t = mark();
const engine = await import('../src/checkpoint/index.js');
const engineMs = mark() - t;
t = mark();
const setup = await import('./cases/strategy-setup.js'); // the cl layer, as a training script imports it
const clMs = mark() - t;
t = mark();
const { initBackend } = await import('../src/tensor/index.js');
await initBackend({ quiet: true });
const backendMs = mark() - t;
t = mark();
const run = setup.buildRun(kind, mode);
const buildMs = mark() - t;
t = mark();
await engine.maybeLoadCheckpoint(run.strategy, file, { uniqueObjects: run.benchmark, quiet: true });
const loadMs = mark() - t;
t = mark();
const FIRST = Symbol('first iteration done');
run.strategy.plugins.push({
  afterTrainingIteration() {
    throw FIRST;
  },
});
try {
  await run.strategy.train(run.benchmark.trainStream[1]!);
} catch (err) {
  if (err !== FIRST) throw err;
}
const iterationMs = mark() - t;
console.log(JSON.stringify({ boot, engineMs, clMs, backendMs, buildMs, loadMs, iterationMs, total: mark() }));
