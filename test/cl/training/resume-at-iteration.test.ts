import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { maybeLoadCheckpoint, saveCheckpoint } from '../../../src/checkpoint/index.js';
import { UsageError } from '../../../src/errors.js';
import {
  CWRStarPlugin, Cumulative, EWCPlugin, EvaluationPlugin, GDumbPlugin, LwFPlugin, Naive, RNGManager, ReplayPlugin, SimpleMLP,
  SplitGaussianBlobs, SynapticIntelligencePlugin, accuracyMetrics, asIncremental, asMultitask, classAccuracyMetrics,
  forgettingMetrics, lossMetrics, type CLModel, type MetricResults, type StrategyPlugin, type SupervisedTemplate,
} from '../../../src/cl/index.js';
import { setupBackend } from '../helpers.js';

before(setupBackend);

type PluginFactory = (model: CLModel) => StrategyPlugin[];
type Head = 'single' | 'multi' | 'incremental';

/**
 * 4 experiences of 80 samples, mini-batches of 16, 2 epochs: 5 iterations per epoch,
 * 10 per experience, 40 in all. Epoch metrics and minibatch-level running
 * accumulators (loss, accuracy) are on, so a lost accumulator changes the results.
 */
function build(plugins: PluginFactory, head: Head, Strategy: typeof Naive | typeof Cumulative = Naive) {
  RNGManager.setRandomSeeds(11);
  const multiTask = head === 'multi';
  const benchmark = new SplitGaussianBlobs({ nExperiences: 4, nFeatures: 8, nClasses: 8, samplesPerClass: 40, testSamplesPerClass: 20, seed: 5, returnTaskId: multiTask });
  const mlp = new SimpleMLP({ inputSize: 8, numClasses: head === 'single' ? 8 : 2, hiddenSize: 24, dropRate: 0.3 });
  const model: CLModel = head === 'multi' ? asMultitask(mlp, 'classifier') : head === 'incremental' ? asIncremental(mlp, 'classifier') : mlp;
  const evaluator = new EvaluationPlugin(
    accuracyMetrics({ minibatch: true, epoch: true, experience: true, stream: true }),
    lossMetrics({ minibatch: true, epoch: true, stream: true }),
    classAccuracyMetrics({ epoch: true, stream: true }),
    forgettingMetrics({ experience: true, stream: true }),
  );
  const strategy = new Strategy({ model, optimizer: tf.train.momentum(0.05, 0.9), trainMbSize: 16, trainEpochs: 2, evalMbSize: 100, evaluator, plugins: plugins(model) });
  return { benchmark, strategy };
}

class Stopped extends Error {}

/**
 * The stop-after-iteration hook: runs after every other plugin (the clock included),
 * as an iteration checkpoint does, saves the run after training iteration `at`
 * (counted over the whole run) and stops the process's training there. It takes itself
 * out of the strategy before saving, so the checkpoint holds only the run's plugins.
 */
function stopAfterIteration(strategy: SupervisedTemplate, at: number, file: string): void {
  const hook: StrategyPlugin = {
    async afterTrainingIteration(s: SupervisedTemplate) {
      if (s.clock.trainIterations !== at) return;
      await saveWithoutHooks(s, file);
      throw new Stopped(`stopped after iteration ${at}`);
    },
  };
  hooks.add(hook);
  strategy.plugins.push(hook);
}

const hooks = new WeakSet<object>();

/** Saves the run as it would be without the test's hooks (which are not part of it). */
async function saveWithoutHooks(strategy: SupervisedTemplate, file: string): Promise<void> {
  const plugins = strategy.plugins;
  strategy.plugins = plugins.filter((p) => !hooks.has(p));
  try {
    await saveCheckpoint(strategy, file);
  } finally {
    strategy.plugins = plugins;
  }
}

/** The main job's loop from `initialExp`, saving after each experience; false when the hook stopped it. */
async function runLoop(strategy: SupervisedTemplate, benchmark: SplitGaussianBlobs, initialExp: number, out: MetricResults[], file?: string): Promise<boolean> {
  try {
    for (const exp of benchmark.trainStream.slice(initialExp)) {
      out.push(await strategy.train(exp), await strategy.eval(benchmark.testStream));
      if (file) await saveWithoutHooks(strategy, file);
    }
    return true;
  } catch (err) {
    if (err instanceof Stopped) return false;
    throw err;
  }
}

const cases: Array<[string, PluginFactory, Head, (typeof Naive | typeof Cumulative)?]> = [
  ['Naive', () => [], 'single'],
  ['replay', () => [new ReplayPlugin({ memSize: 30 })], 'single'],
  ['class-balanced replay', () => [new ReplayPlugin({ memSize: 30, storagePolicy: 'class' })], 'single'],
  ['EWC', () => [new EWCPlugin({ lambda: 10 })], 'single'],
  ['online EWC', () => [new EWCPlugin({ lambda: 10, mode: 'online', decayFactor: 0.5 })], 'single'],
  ['LwF', () => [new LwFPlugin()], 'single'],
  ['SI', () => [new SynapticIntelligencePlugin({ lambda: 100 })], 'single'],
  ['GDumb', () => [new GDumbPlugin({ memSize: 40 })], 'single'],
  ['CWR*', (model) => [new CWRStarPlugin(model)], 'single'],
  ['the main job: task-incremental, multi-head, replay', () => [new ReplayPlugin({ memSize: 30 })], 'multi'],
  ['multi-head replay + LwF', () => [new ReplayPlugin({ memSize: 30 }), new LwFPlugin()], 'multi'],
  ['Cumulative', () => [], 'single', Cumulative],
  ['incremental classifier + replay + SI', () => [new ReplayPlugin({ memSize: 30 }), new SynapticIntelligencePlugin({ lambda: 100 })], 'incremental'],
];

/**
 * Where the run is after each training iteration (`exp/epoch/iteration in epoch`,
 * counted after the clock), recorded on the uninterrupted run.
 */
function recordPositions(strategy: SupervisedTemplate): string[] {
  const positions: string[] = [];
  strategy.plugins.push({
    afterTrainingIteration(s: SupervisedTemplate) {
      positions.push(`${s.experience!.currentExperience}/${s.clock.trainExpEpochs}/${s.clock.trainEpochIterations}`);
    },
  });
  return positions;
}

/**
 * Stops, each resumed from the checkpoint of the one before (run iterations, 1-based):
 * inside epoch 0 of the first experience, at the end of its first epoch (the next
 * batch is the next epoch's first), inside epoch 1 of the second experience, inside
 * epoch 1 of the last, and after the very last iteration.
 */
function chooseStops(positions: string[]): number[] {
  const at = (p: (e: number, ep: number, i: number) => boolean): number => {
    const k = positions.findIndex((s) => p(...(s.split('/').map(Number) as [number, number, number])));
    assert.ok(k >= 0);
    return k + 1;
  };
  const isEpochEnd = (k: number) => positions[k] !== undefined && (positions[k]!.endsWith('/0/1') || positions[k]!.endsWith('/1/1'));
  const firstEpochEnd = positions.findIndex((_, k) => positions[k]!.startsWith('0/0/') && isEpochEnd(k + 1)) + 1;
  return [at((e, ep, i) => e === 0 && ep === 0 && i === 2), firstEpochEnd, at((e, ep, i) => e === 1 && ep === 1 && i === 2), at((e, ep, i) => e === 3 && ep === 1 && i === 1), positions.length];
}

describe('a run stopped between two training iterations and resumed from that checkpoint', () => {
  for (const [name, plugins, head, Strategy] of cases) {
    it(`ends with the uninterrupted run's metrics, bit for bit: ${name}`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'reprise-resume-at-iteration-')), 'run.reprise');
      let { benchmark, strategy } = build(plugins, head, Strategy);
      const uninterrupted: MetricResults[] = [];
      const trail = recordPositions(strategy);
      assert.ok(await runLoop(strategy, benchmark, 0, uninterrupted));
      const stops = chooseStops(trail);
      const history = strategy.evaluator.getAllMetrics();

      ({ benchmark, strategy } = build(plugins, head, Strategy));
      const resumed: MetricResults[] = [];
      let initialExp = 0;
      const positions: string[] = [];
      for (const stop of stops) {
        stopAfterIteration(strategy, stop, file);
        assert.equal(await runLoop(strategy, benchmark, initialExp, resumed, file), false, `the run stops after iteration ${stop}`);
        ({ benchmark, strategy } = build(plugins, head, Strategy));
        Math.random(); // the new process's generators are not where the old one stopped
        RNGManager.random();
        [strategy, initialExp] = await maybeLoadCheckpoint(strategy, file, { uniqueObjects: [benchmark], quiet: true });
        assert.ok(strategy.trainingPosition, 'the checkpoint is inside an experience');
        positions.push(`${strategy.trainingPosition.experience}/${strategy.clock.trainExpEpochs}/${strategy.clock.trainEpochIterations}`);
        assert.equal(initialExp, strategy.trainingPosition.experience);
      }
      assert.deepEqual(positions, stops.map((k) => trail[k - 1]), 'each resume is at the iteration where the run stopped');
      assert.deepEqual(positions.map((p) => p.split('/')[1]), ['0', '0', '1', '1', '1'], 'stops in epoch 0 and epoch 1');
      assert.ok(await runLoop(strategy, benchmark, initialExp, resumed));
      assert.deepEqual(resumed, uninterrupted);
      assert.deepEqual(strategy.evaluator.getAllMetrics(), history);
    });
  }
});

describe('a checkpoint taken in afterTrainingEpoch, between two epochs of an experience', () => {
  for (const [name, plugins] of [['Naive', () => []], ['replay', () => [new ReplayPlugin({ memSize: 30 })]]] as Array<[string, PluginFactory]>) {
    it(`resumes at the next epoch with the uninterrupted run's metrics: ${name}`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'reprise-resume-at-epoch-')), 'run.reprise');
      let { benchmark, strategy } = build(plugins, 'single');
      const uninterrupted: MetricResults[] = [];
      const trail = recordPositions(strategy);
      assert.ok(await runLoop(strategy, benchmark, 0, uninterrupted));
      const at = trail.indexOf('1/1/1'); // run iterations before epoch 1 of experience 1
      ({ benchmark, strategy } = build(plugins, 'single'));
      const hook: StrategyPlugin = {
        async afterTrainingEpoch(s: SupervisedTemplate) {
          if (s.clock.trainIterations !== at) return;
          await saveWithoutHooks(s, file);
          throw new Stopped('stopped after an epoch');
        },
      };
      hooks.add(hook);
      strategy.plugins.push(hook);
      const resumed: MetricResults[] = [];
      assert.equal(await runLoop(strategy, benchmark, 0, resumed, file), false);
      ({ benchmark, strategy } = build(plugins, 'single'));
      let initialExp: number;
      [strategy, initialExp] = await maybeLoadCheckpoint(strategy, file, { uniqueObjects: [benchmark], quiet: true });
      assert.equal(initialExp, 1);
      assert.equal(strategy.trainingPosition?.inEpoch, false);
      assert.equal(strategy.clock.trainExpEpochs, 1);
      assert.ok(await runLoop(strategy, benchmark, initialExp, resumed));
      assert.deepEqual(resumed, uninterrupted);
    });
  }
});

describe('a strategy restored inside an experience', () => {
  it('says where it resumes: experience, epoch, iteration', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reprise-resume-at-iteration-')), 'run.reprise');
    let { benchmark, strategy } = build(() => [], 'single');
    stopAfterIteration(strategy, 17, file);
    assert.equal(await runLoop(strategy, benchmark, 0, []), false);
    ({ benchmark, strategy } = build(() => [], 'single'));
    const lines: string[] = [];
    const write = process.stderr.write;
    process.stderr.write = ((chunk: string) => lines.push(String(chunk)) > 0) as typeof process.stderr.write;
    try {
      await maybeLoadCheckpoint(strategy, file, { uniqueObjects: [benchmark], quiet: false });
    } finally {
      process.stderr.write = write;
    }
    assert.match(lines.join(''), /resuming from .* inside training experience 1, epoch 1, after iteration 2 of that epoch \(run iteration 17\)/);
  });

  it('refuses to train another experience first (RESUME_MISMATCH)', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'reprise-resume-at-iteration-')), 'run.reprise');
    let { benchmark, strategy } = build(() => [], 'single');
    stopAfterIteration(strategy, 13, file);
    assert.equal(await runLoop(strategy, benchmark, 0, []), false);
    ({ benchmark, strategy } = build(() => [], 'single'));
    const [loaded, initialExp] = await maybeLoadCheckpoint(strategy, file, { uniqueObjects: [benchmark], quiet: true });
    assert.equal(initialExp, 1);
    await assert.rejects(loaded.train(benchmark.trainStream[2]!), (err: unknown) => {
      assert.ok(err instanceof UsageError);
      assert.equal(err.code, 'RESUME_MISMATCH');
      assert.equal(err.path, '.trainingPosition.experience');
      return true;
    });
  });
});
