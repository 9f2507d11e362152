import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { maybeLoadCheckpoint, saveCheckpoint, type RestoreReport } from '../../src/checkpoint/index.js';
import { Naive, ReplayPlugin, RNGManager } from '../../src/cl/index.js';
import { setupBackend, smallBenchmark, smallModel } from '../cl/helpers.js';
import { deduplicatedObjects, reachable } from './graph-walk.js';

// A collected heap makes the growth bound mean something: without it the measurement
// is whatever garbage happens to be waiting (it failed about one run in four).
v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc') as () => void;

/** Frees what a strategy holds in the tensor engine, as a process exit would. */
function disposeStrategy(s: Naive): void {
  (s.model as { dispose(): void }).dispose();
  s.optimizer.dispose();
  // tfjs 4.22: MomentumOptimizer.dispose() skips SGDOptimizer.dispose(), leaving its `c` scalar.
  const c = (s.optimizer as unknown as { c?: tf.Tensor }).c;
  if (c && !c.isDisposed) c.dispose();
}

function newStrategy() {
  return new Naive({ model: smallModel(), optimizer: tf.train.momentum(0.05, 0.9), trainMbSize: 16, evalMbSize: 100, plugins: [new ReplayPlugin({ memSize: 40 })] });
}

describe('de-duplication over many stop/resume cycles', () => {
  it('twenty resumes with uniqueObjects: same file every cycle, the benchmark’s own datasets, no growth', async () => {
    await setupBackend();
    RNGManager.setRandomSeeds(7);
    const benchmark = smallBenchmark();
    const fromBenchmark = reachable(benchmark);
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-dedup-')), 'run.reprise');
    const first = newStrategy();
    await first.train(benchmark.trainStream[0]!);
    await first.train(benchmark.trainStream[1]!);
    await saveCheckpoint(first, file);
    const saved = fs.readFileSync(file);
    assert.ok(deduplicatedObjects(first).length >= 2, 'the strategy refers to datasets (replay buffer, experience)');
    assert.ok(saved.byteLength < 64 * 1024, `the checkpoint holds no samples (${saved.byteLength} bytes)`);
    disposeStrategy(first);

    const tensorsAtStart = tf.memory().numTensors;
    const heap: number[] = [];
    for (let cycle = 0; cycle < 20; cycle++) {
      const fresh = newStrategy();
      const built = { model: fresh.model, optimizer: fresh.optimizer } as unknown as Naive;
      let report: RestoreReport | undefined;
      await maybeLoadCheckpoint(fresh, file, { uniqueObjects: benchmark, onReport: (r) => (report = r) });
      disposeStrategy(built); // the model and optimizer built before loading were replaced
      assert.equal(report!.rebuilt, 0, `cycle ${cycle}: nothing rebuilt`);
      assert.ok(report!.reused >= 2, `cycle ${cycle}: datasets reused`);
      for (const d of deduplicatedObjects(fresh)) assert.ok(fromBenchmark.has(d), `cycle ${cycle}: a dataset that is not the benchmark's own`);
      await saveCheckpoint(fresh, file);
      assert.ok(fs.readFileSync(file).equals(saved), `cycle ${cycle}: the checkpoint changed (${fs.statSync(file).size} vs ${saved.byteLength} bytes)`);
      disposeStrategy(fresh);
      collectGarbage();
      heap.push(process.memoryUsage().heapUsed);
    }
    assert.equal(tf.memory().numTensors, tensorsAtStart, 'no tensor leaked across resumes');
    // After a full collection each cycle: fifteen leaked copies of the datasets would add megabytes.
    assert.ok(heap[19]! - heap[4]! < 8 * 1024 * 1024, `heap grew by ${(heap[19]! - heap[4]!) / 1e6} MB over 15 resumes`);
  });

  it('without uniqueObjects the datasets are rebuilt from their arguments, and the file holds the same', async () => {
    await setupBackend();
    RNGManager.setRandomSeeds(7);
    const benchmark = smallBenchmark();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-dedup-')), 'run.reprise');
    const s = newStrategy();
    await s.train(benchmark.trainStream[0]!);
    await saveCheckpoint(s, file);
    const fresh = newStrategy();
    let report: RestoreReport | undefined;
    await maybeLoadCheckpoint(fresh, file, { onReport: (r) => (report = r) });
    assert.equal(report!.reused, 0);
    assert.ok(report!.rebuilt >= 1);
    const fromBenchmark = reachable(benchmark);
    assert.ok(deduplicatedObjects(fresh).every((d) => !fromBenchmark.has(d)));
    await saveCheckpoint(fresh, file + '.again');
    assert.equal(fs.statSync(file + '.again').size, fs.statSync(file).size);
  });
});
