// reprise in the browser: trains a small model on synthetic data, checkpoints to IndexedDB
// every few steps, and after a reload resumes from the last checkpoint. Bundled by
// ./serve.mjs (esbuild resolves `reprise` through its `browser` condition).
// URL parameters: db (IndexedDB database), steps (total), every (checkpoint interval),
// delay (ms per step, so that there is time to reload).
import * as tf from '@tensorflow/tfjs';
import { deserialize, IndexedDBCheckpointStorage, serialize } from 'reprise';

const params = new URLSearchParams(location.search);
const TOTAL = Number(params.get('steps') ?? 60);
const EVERY = Number(params.get('every') ?? 5);
const DELAY = Number(params.get('delay') ?? 50);
const KEEP = 2;
const storage = new IndexedDBCheckpointStorage({ database: params.get('db') ?? 'reprise-example', prefix: 'run/' });
const out = document.getElementById('log');
const log = (line) => (out.textContent += line + '\n');

/** The batch of `step`: a function of the step alone, so a resumed run sees the same data. */
function batch(step) {
  return tf.tidy(() => {
    const x = tf.tensor2d(Array.from({ length: 32 * 4 }, (_, i) => Math.sin(step * 7.1 + i * 1.3)), [32, 4]);
    const y = x.matMul(tf.tensor2d([[0.5], [-1], [2], [0.25]])).add(tf.scalar(0.1)).tanh();
    return { x, y };
  });
}

function freshRun() {
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [4], units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
      tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
    ],
  });
  return { model, optimizer: tf.train.adam(0.02), step: 0, losses: [] };
}

/** The newest checkpoint in IndexedDB, or a fresh run. */
async function latestRun() {
  const steps = (await storage.listCheckpoints()).map(Number).sort((a, b) => a - b);
  if (steps.length === 0) return { run: freshRun(), from: 0 };
  const last = steps[steps.length - 1];
  return { run: deserialize(await storage.loadCheckpoint(String(last))), from: last };
}

async function main() {
  await tf.setBackend('cpu');
  const { run, from } = await latestRun();
  window.training = { step: run.step, losses: run.losses, resumedFrom: from, done: false };
  log(from ? `resumed from the checkpoint at step ${from}` : 'started a new run');
  while (run.step < TOTAL) {
    const { x, y } = batch(run.step);
    const vars = run.model.trainableWeights.map((w) => w.read());
    const loss = run.optimizer.minimize(() => tf.losses.meanSquaredError(y, run.model.predict(x)), true, vars);
    run.losses.push((await loss.data())[0]);
    tf.dispose([x, y, loss]);
    run.step++;
    if (run.step % EVERY === 0) {
      await storage.storeCheckpoint(String(run.step), [serialize(run)]);
      const names = (await storage.listCheckpoints()).map(Number).sort((a, b) => a - b);
      for (const old of names.slice(0, -KEEP)) await storage.deleteCheckpoint(String(old));
      log(`step ${run.step}: loss ${run.losses.at(-1).toFixed(6)} (checkpointed)`);
    }
    window.training = { step: run.step, losses: run.losses, resumedFrom: from, done: false };
    await new Promise((r) => setTimeout(r, DELAY));
  }
  window.training = { step: run.step, losses: run.losses, resumedFrom: from, done: true };
  log('done');
}

main().catch((err) => {
  window.training = { error: String(err?.stack ?? err) };
  log(`error: ${err?.stack ?? err}`);
});
