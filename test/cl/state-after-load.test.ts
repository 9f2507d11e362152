/**
 * State asserted where it lives: right after `maybeLoadCheckpoint`, each plugin's,
 * metric's and logger's state, the clock and the random generators equal the saved
 * run's — not only the metrics of a resumed run, which catch a dropped field late
 * (a crash in the next experience) or not at all. Every case goes through the real
 * serializer and a file, and the live objects the load lands in are fresh ones (empty
 * buffers, no importances, new generators), as in a new process.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { maybeLoadCheckpoint, saveCheckpoint } from '../../src/checkpoint/index.js';
import {
  CSVLogger, CWRStarPlugin, EWCPlugin, EvaluationPlugin, GDumbPlugin, InteractiveLogger, LwFPlugin, Naive, RNGManager,
  ReplayPlugin, SimpleMLP, SplitGaussianBlobs, SynapticIntelligencePlugin, TensorboardLogger, TextLogger, accuracyMetrics,
  amcaMetrics, asMultitask, classAccuracyMetrics, forgettingMetrics, lossMetrics, type BaseLogger, type CLModel, type StrategyPlugin,
} from '../../src/cl/index.js';
import { stateOf } from './fixtures/state-snapshot.js';
import { setupBackend } from './helpers.js';

before(setupBackend);

/** Fields that are this process's and not the run's (file handles, output streams, caches). */
const TRANSIENT: Record<string, readonly string[]> = {
  TextLogger: ['file'],
  CSVLogger: ['trainingFile', 'evalFile', 'latest'],
  TensorboardLogger: ['file'],
  InteractiveLogger: ['stream', 'progress', 'announced'],
  EvaluationPlugin: ['phaseValues', 'metrics', 'loggers'], // metrics and loggers are compared one by one
  SampleSet: ['targetsCache', 'taskLabelsCache'],
};

const sink = { write: () => true };

/** What a script builds at start: seeds, benchmark, model, plugins, metrics, loggers and strategy. */
function build(dir: string, plugins: (model: CLModel) => StrategyPlugin[], multiTask = false) {
  RNGManager.setRandomSeeds(11);
  const benchmark = new SplitGaussianBlobs({ nExperiences: 3, nFeatures: 6, nClasses: 6, samplesPerClass: 30, testSamplesPerClass: 10, seed: 4, returnTaskId: multiTask });
  const mlp = new SimpleMLP({ inputSize: 6, numClasses: multiTask ? 2 : 6, hiddenSize: 12, dropRate: 0.2 });
  const model: CLModel = multiTask ? asMultitask(mlp, 'classifier') : mlp;
  const loggers: BaseLogger[] = [
    new TextLogger(path.join(dir, 'log.txt')),
    new CSVLogger(path.join(dir, 'csv')),
    new TensorboardLogger(path.join(dir, 'tb')),
    new InteractiveLogger({ stream: sink }),
  ];
  const evaluator = new EvaluationPlugin(
    accuracyMetrics({ minibatch: true, epoch: true, experience: true, stream: true, trainedExperience: true }),
    lossMetrics({ epoch: true, stream: true }),
    classAccuracyMetrics({ stream: true }),
    forgettingMetrics({ experience: true, stream: true }),
    amcaMetrics(),
    { loggers },
  );
  const strategy = new Naive({ model, optimizer: tf.train.momentum(0.05, 0.9), trainMbSize: 16, trainEpochs: 1, evalMbSize: 60, evaluator, plugins: plugins(model) });
  return { benchmark, strategy };
}

type Run = ReturnType<typeof build>;

/** The benchmark's datasets and the strategy's model by name, so two processes' objects compare. */
function namesOf({ benchmark, strategy }: Run): Map<object, string> {
  const names = new Map<object, string>([[strategy.model, 'strategy.model']]);
  benchmark.trainStream.forEach((e, i) => names.set(e.dataset, `train[${i}]`));
  benchmark.testStream.forEach((e, i) => names.set(e.dataset, `test[${i}]`));
  return names;
}

/** Everything the run's objects hold, by where it lives. */
function snapshot(run: Run): Map<string, unknown> {
  const names = namesOf(run);
  const s = run.strategy;
  const of = (v: unknown) => stateOf(v, names, TRANSIENT);
  const out = new Map<string, unknown>();
  s.plugins.forEach((p, i) => {
    if (p !== s.evaluator && p !== s.clock) out.set(`plugins[${i}] ${p.constructor.name}`, of(p));
  });
  s.evaluator.metrics.forEach((m, i) => out.set(`metrics[${i}] ${m.constructor.name} ${(m as { name?: string }).name ?? ''}`, of(m)));
  s.evaluator.loggers.forEach((l, i) => out.set(`loggers[${i}] ${l.constructor.name}`, of(l)));
  out.set('evaluator', of(s.evaluator));
  out.set('clock', of(s.clock));
  out.set('model', stateOf(s.model)); // its weights: elsewhere it appears by name
  out.set('random generators', RNGManager.getState());
  return out;
}

/**
 * Trains two experiences (evaluating after each), saves, then loads into a fresh run
 * with disturbed generators; returns both snapshots and both runs.
 */
async function saveAndLoad(plugins: (model: CLModel) => StrategyPlugin[], multiTask = false) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-state-after-load-'));
  const file = path.join(dir, 'run.reprise');
  try {
    const first = build(dir, plugins, multiTask);
    for (const exp of first.benchmark.trainStream.slice(0, 2)) {
      await first.strategy.train(exp);
      await first.strategy.eval(first.benchmark.testStream);
    }
    await saveCheckpoint(first.strategy, file);
    const saved = snapshot(first);
    first.strategy.evaluator.loggers.forEach((l) => l.close());

    const second = build(dir, plugins, multiTask); // the next process
    RNGManager.setRandomSeeds(12345);
    Math.random();
    const empty = snapshot(second);
    const [strategy, initialExp] = await maybeLoadCheckpoint(second.strategy, file, { uniqueObjects: [second.benchmark], quiet: true });
    assert.equal(initialExp, 2);
    assert.equal(strategy, second.strategy);
    const loaded = snapshot(second);
    second.strategy.evaluator.loggers.forEach((l) => l.close());
    return { saved, loaded, empty, first, second };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Each component's state after loading equals the saved one, and differed before loading (so the check has teeth). */
function assertRestored(r: Awaited<ReturnType<typeof saveAndLoad>>): void {
  assert.deepEqual([...r.loaded.keys()], [...r.saved.keys()]);
  for (const [where, saved] of r.saved) {
    assert.deepEqual(r.loaded.get(where), saved, `${where}: state after loading differs from the saved run's`);
  }
  // Without this, a component whose state a fresh build already has would pass vacuously.
  for (const where of r.saved.keys()) {
    assert.notDeepEqual(r.empty.get(where), r.saved.get(where), `${where}: a fresh run already has the saved state, so this comparison proves nothing`);
  }
}

describe('right after a checkpoint is loaded, the state equals the saved run\'s', () => {
  it('replay (experience-balanced): the buffer groups, samples and reservoir weights', async () => {
    const r = await saveAndLoad(() => [new ReplayPlugin({ memSize: 20 })]);
    assertRestored(r);
    const replay = r.second.strategy.plugins[0] as ReplayPlugin;
    assert.equal(replay.storagePolicy.buffer.length, 20);
    assert.equal(replay.storagePolicy.buffer.datasets[0], r.second.benchmark.trainStream[0]!.dataset, 'the buffer points at the benchmark passed in uniqueObjects');
  });

  it('replay (class-balanced): the groups per class and the classes seen', async () => {
    const r = await saveAndLoad(() => [new ReplayPlugin({ memSize: 20, storagePolicy: 'class' })]);
    assertRestored(r);
  });

  it('EWC (separate): importances per experience and the saved parameters', async () => {
    const r = await saveAndLoad(() => [new EWCPlugin({ lambda: 10 })]);
    assertRestored(r);
    const ewc = r.second.strategy.plugins[0] as EWCPlugin;
    assert.deepEqual([...ewc.importances.keys()], [0, 1]);
    assert.deepEqual([...ewc.savedParams.keys()], [1]);
  });

  it('EWC (online): the one decayed importance', async () => {
    const r = await saveAndLoad(() => [new EWCPlugin({ lambda: 10, mode: 'online', decayFactor: 0.5 })]);
    assertRestored(r);
  });

  it('LwF: the previous model\'s weights, its experience count and classes per task', async () => {
    const r = await saveAndLoad(() => [new LwFPlugin()]);
    assertRestored(r);
    const lwf = r.second.strategy.plugins[0] as LwFPlugin;
    assert.notEqual(lwf.prevModel, r.second.strategy.model, 'the copy is its own model after loading');
  });

  it('LwF on a multi-head model: every head of the previous model', async () => {
    const r = await saveAndLoad(() => [new LwFPlugin()], true);
    assertRestored(r);
  });

  it('SI: anchors, importances, old parameters and both trajectories', async () => {
    const r = await saveAndLoad(() => [new SynapticIntelligencePlugin({ lambda: 100 })]);
    assertRestored(r);
  });

  it('GDumb: the class-balanced memory and the initial model', async () => {
    const r = await saveAndLoad(() => [new GDumbPlugin({ memSize: 24 })]);
    assertRestored(r);
  });

  it('CWR*: the consolidated weights and sample counts; its model is the strategy\'s', async () => {
    const r = await saveAndLoad((model) => [new CWRStarPlugin(model)]);
    assertRestored(r);
    const cwr = r.second.strategy.plugins[0] as CWRStarPlugin;
    assert.equal(cwr.model, r.second.strategy.model);
  });
});
