import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { maybeLoadCheckpoint, saveCheckpoint } from '../../../src/checkpoint/index.js';
import {
  CWRStarPlugin, Cumulative, EWCPlugin, EvaluationPlugin, GDumbPlugin, LwFPlugin, Naive, RNGManager, ReplayPlugin, SimpleMLP,
  SplitGaussianBlobs, SynapticIntelligencePlugin, accuracyMetrics, amcaMetrics, asIncremental, asMultitask, classAccuracyMetrics,
  forgettingMetrics, lossMetrics, type CLModel, type MetricResults, type StrategyPlugin,
} from '../../../src/cl/index.js';
import { setupBackend } from '../helpers.js';

before(setupBackend);

type PluginFactory = (model: CLModel) => StrategyPlugin[];
/** `multi`: task labels and asMultitask; `incremental`: one growing head; `single`: one fixed head. */
type Head = 'single' | 'multi' | 'incremental';

/** A fresh run: seeds, benchmark, model, plugins, metrics and strategy, as a script's start builds them. */
function build(plugins: PluginFactory, head: Head, Strategy: typeof Naive | typeof Cumulative = Naive) {
  RNGManager.setRandomSeeds(7);
  const multiTask = head === 'multi';
  const benchmark = new SplitGaussianBlobs({ nExperiences: 4, nFeatures: 8, nClasses: 8, samplesPerClass: 40, testSamplesPerClass: 20, seed: 3, returnTaskId: multiTask });
  const mlp = new SimpleMLP({ inputSize: 8, numClasses: head === 'single' ? 8 : 2, hiddenSize: 24, dropRate: 0.3 });
  const model: CLModel = head === 'multi' ? asMultitask(mlp, 'classifier') : head === 'incremental' ? asIncremental(mlp, 'classifier') : mlp;
  const evaluator = new EvaluationPlugin(
    accuracyMetrics({ epoch: true, experience: true, stream: true }),
    lossMetrics({ stream: true }),
    classAccuracyMetrics({ stream: true }),
    forgettingMetrics({ experience: true, stream: true }),
    amcaMetrics(),
  );
  const strategy = new Strategy({ model, optimizer: tf.train.momentum(0.05, 0.9), trainMbSize: 16, trainEpochs: 1, evalMbSize: 100, evaluator, plugins: plugins(model) });
  return { benchmark, strategy };
}

const cases: Array<[string, PluginFactory, Head, (typeof Naive | typeof Cumulative)?]> = [
  ['Naive', () => [], 'single'],
  ['experience-balanced replay', () => [new ReplayPlugin({ memSize: 30 })], 'single'],
  ['class-balanced replay', () => [new ReplayPlugin({ memSize: 30, storagePolicy: 'class' })], 'single'],
  ['EWC', () => [new EWCPlugin({ lambda: 10 })], 'single'],
  ['online EWC', () => [new EWCPlugin({ lambda: 10, mode: 'online', decayFactor: 0.5 })], 'single'],
  ['LwF', () => [new LwFPlugin()], 'single'],
  ['SI', () => [new SynapticIntelligencePlugin({ lambda: 100 })], 'single'],
  ['GDumb', () => [new GDumbPlugin({ memSize: 40 })], 'single'],
  ['CWR*', (model) => [new CWRStarPlugin(model)], 'single'],
  ['multi-head replay + LwF', () => [new ReplayPlugin({ memSize: 30 }), new LwFPlugin()], 'multi'],
  ['the guide: multi-head replay', () => [new ReplayPlugin({ memSize: 30 })], 'multi'],
  ['Cumulative', () => [], 'single', Cumulative],
  ['Cumulative, multi-head', () => [], 'multi', Cumulative],
  ['incremental classifier', () => [], 'incremental'],
  ['incremental classifier + replay + SI', () => [new ReplayPlugin({ memSize: 30 }), new SynapticIntelligencePlugin({ lambda: 100 })], 'incremental'],
];

describe('a run stopped after an experience and resumed from its checkpoint', () => {
  for (const [name, plugins, head, Strategy] of cases) {
    it(`gives the same metrics as the uninterrupted run: ${name}`, async () => {
      const file = join(mkdtempSync(join(tmpdir(), 'reprise-cl-resume-')), 'run.reprise');
      let { benchmark, strategy } = build(plugins, head, Strategy);
      const uninterrupted: MetricResults[] = [];
      for (const exp of benchmark.trainStream) {
        uninterrupted.push(await strategy.train(exp), await strategy.eval(benchmark.testStream));
      }
      ({ benchmark, strategy } = build(plugins, head, Strategy));
      const resumed: MetricResults[] = [];
      for (const exp of benchmark.trainStream.slice(0, 2)) {
        resumed.push(await strategy.train(exp), await strategy.eval(benchmark.testStream));
        await saveCheckpoint(strategy, file);
      }
      ({ benchmark, strategy } = build(plugins, head, Strategy));
      Math.random(); // the new process's generators are not where the old one stopped
      RNGManager.random();
      const [loaded, initialExp] = await maybeLoadCheckpoint(strategy, file, { uniqueObjects: [benchmark], quiet: true });
      assert.equal(initialExp, 2);
      assert.equal(loaded.experience!.dataset, benchmark.testStream[3]!.dataset, 'the benchmark datasets are reused, not rebuilt');
      for (const exp of benchmark.trainStream.slice(initialExp)) {
        resumed.push(await loaded.train(exp), await loaded.eval(benchmark.testStream));
      }
      assert.deepEqual(resumed, uninterrupted);
    });
  }
});
