import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CheckpointPlugin, MemoryCheckpointStorage } from '../../src/checkpoint/index.js';
import { CheckpointStorageError } from '../../src/errors.js';
import { serializable } from '../../src/registry/index.js';
import {
  CWRStarPlugin, EWCPlugin, EvaluationPlugin, GDumbPlugin, LwFPlugin, Naive, RNGManager, ReplayPlugin, SimpleMLP,
  SplitGaussianBlobs, SynapticIntelligencePlugin, accuracyMetrics, asMultitask, classAccuracyMetrics, lossMetrics,
  type CLModel, type MetricResults, type StrategyPlugin, type SupervisedTemplate,
} from '../../src/cl/index.js';
import { setupBackend } from '../cl/helpers.js';

before(setupBackend);

type PluginFactory = (model: CLModel) => StrategyPlugin[];

/** 3 experiences of 80 samples, mini-batches of 16, 2 epochs: 10 iterations per experience. */
function build(makeCheckpointPlugin: (benchmark: object) => CheckpointPlugin, plugins: PluginFactory, multiHead: boolean) {
  RNGManager.setRandomSeeds(21);
  const benchmark = new SplitGaussianBlobs({ nExperiences: 3, nFeatures: 8, nClasses: 6, samplesPerClass: 40, testSamplesPerClass: 20, seed: 9, returnTaskId: multiHead });
  const mlp = new SimpleMLP({ inputSize: 8, numClasses: multiHead ? 2 : 6, hiddenSize: 24, dropRate: 0.3 });
  const model: CLModel = multiHead ? asMultitask(mlp, 'classifier') : mlp;
  const evaluator = new EvaluationPlugin(
    accuracyMetrics({ minibatch: true, epoch: true, experience: true, stream: true }),
    lossMetrics({ epoch: true, stream: true }),
    classAccuracyMetrics({ epoch: true, stream: true }),
  );
  const checkpointPlugin = makeCheckpointPlugin(benchmark);
  const strategy = new Naive({ model, optimizer: tf.train.adam(0.01), trainMbSize: 16, trainEpochs: 2, evalMbSize: 100, evaluator, plugins: [checkpointPlugin, ...plugins(model)] });
  return { benchmark, strategy, checkpointPlugin };
}

class Killed extends Error {}

/**
 * A test's callback after each training iteration, placed after the checkpoint plugin.
 * Checkpoints store it without its function, so a restored one does nothing.
 */
@serializable({ name: 'test.iteration-checkpoints.AfterIteration', exclude: ['fn'] })
class AfterIteration {
  constructor(readonly fn: ((s: SupervisedTemplate) => void) | undefined) {}
  afterTrainingIteration(s: SupervisedTemplate): void {
    this.fn?.(s);
  }
}

/** Dies (throws) after training iteration `at`, after every plugin, the checkpoint plugin included, ran. */
function dieAfterIteration(strategy: SupervisedTemplate, at: number): void {
  strategy.plugins.push(
    new AfterIteration((s) => {
      if (s.clock.trainIterations === at) throw new Killed();
    }),
  );
}

/** The main job's loop, unchanged for both kinds of checkpoints. */
async function loop(strategy: SupervisedTemplate, benchmark: SplitGaussianBlobs, initialExp: number, out: MetricResults[]): Promise<void> {
  for (const exp of benchmark.trainStream.slice(initialExp)) {
    out.push(await strategy.train(exp), await strategy.eval(benchmark.testStream));
  }
}

const cases: Array<[string, PluginFactory, boolean]> = [
  ['Naive', () => [], false],
  ['replay', () => [new ReplayPlugin({ memSize: 30 })], false],
  ['EWC', () => [new EWCPlugin({ lambda: 10 })], false],
  ['LwF', () => [new LwFPlugin()], false],
  ['SI', () => [new SynapticIntelligencePlugin({ lambda: 100 })], false],
  ['GDumb', () => [new GDumbPlugin({ memSize: 40 })], false],
  ['CWR*', (model) => [new CWRStarPlugin(model)], false],
  ['the main job: task-incremental, multi-head, replay', () => [new ReplayPlugin({ memSize: 30 })], true],
];

describe('CheckpointPlugin everyIterations: a run killed inside experiences and resumed', () => {
  for (const [name, plugins, multiHead] of cases) {
    for (const writeInBackground of [false, true]) {
      it(`ends with the uninterrupted run's metrics: ${name}${writeInBackground ? ', background writes' : ''}`, async () => {
        let { benchmark, strategy } = build(() => new CheckpointPlugin(new MemoryCheckpointStorage(), { quiet: true }), plugins, multiHead);
        const uninterrupted: MetricResults[] = [];
        const expOf: number[] = []; // the experience of each run iteration (1-based index)
        strategy.plugins.push(new AfterIteration((s) => void (expOf[s.clock.trainIterations] = s.experience!.currentExperience)));
        await loop(strategy, benchmark, 0, uninterrupted);
        const history = strategy.evaluator.getAllMetrics();
        const total = strategy.clock.trainIterations;

        const storage = new MemoryCheckpointStorage();
        const options = { everyIterations: 3, keepLast: 2, writeInBackground, quiet: true };
        const makePlugin = (b: object) => new CheckpointPlugin(storage, { ...options, uniqueObjects: b });
        const resumed: MetricResults[] = [];
        // Kills after a checkpointed iteration, after an iteration past one (the work
        // since the last checkpoint is lost and redone), in the last experience, and at the end.
        const kills = [4, 9, 14, total - 2, total];
        // Where each restart resumes: the last iteration checkpoint before the kill, or
        // the end-of-experience checkpoint when the kill came in a later experience.
        const expected = kills.slice(0, -1).map((p) => {
          const k = Math.floor(p / 3) * 3;
          return expOf[k] === expOf[p] ? `${expOf[p]}:${k}` : `${expOf[p]}:end`;
        });
        let initialExp = 0;
        let current = build(makePlugin, plugins, multiHead);
        ({ benchmark, strategy } = current);
        const resumes: string[] = [];
        for (const at of kills) {
          if (at !== kills[0]) {
            current = build(makePlugin, plugins, multiHead);
            Math.random();
            RNGManager.random();
            const [loaded, exp] = await current.checkpointPlugin.loadCheckpointIfExists<SupervisedTemplate>();
            assert.ok(loaded);
            ({ benchmark } = current);
            strategy = loaded;
            initialExp = exp;
            resumes.push(`${exp}:${strategy.trainingPosition ? strategy.clock.trainIterations : 'end'}`);
          }
          dieAfterIteration(strategy, at);
          await assert.rejects(loop(strategy, benchmark, initialExp, resumed), Killed);
          const checkpointPlugin = strategy.plugins.find((p): p is CheckpointPlugin => p instanceof CheckpointPlugin)!;
          await checkpointPlugin.flush(); // what a killed process had handed to the disk
        }
        // The resumes were at the last checkpointed iteration before each kill.
        assert.deepEqual(resumes, expected);
        assert.ok(resumes.filter((r) => !r.endsWith(':end')).length >= 3);
        current = build(makePlugin, plugins, multiHead);
        const [loaded, exp] = await current.checkpointPlugin.loadCheckpointIfExists<SupervisedTemplate>();
        await loop(loaded!, current.benchmark, exp, resumed);
        // The interrupted train() calls returned nothing; their resumed calls return the whole phase.
        assert.deepEqual(resumed, uninterrupted);
        assert.deepEqual(loaded!.evaluator.getAllMetrics(), history);
        await current.checkpointPlugin.flush();
        assert.deepEqual(await current.checkpointPlugin.checkpointNames(), [`${benchmark.trainStream.length - 1}.${expOf.filter((e) => e === 2).length}`, `${benchmark.trainStream.length}`], 'keepLast prunes iteration checkpoints like the others');
      });
    }
  }
});

describe('iteration checkpoint names', () => {
  it('order by experiences, then iterations, numerically: the newest is what a resume loads', async () => {
    const storage = new MemoryCheckpointStorage();
    for (const name of ['10', '2.10', '1', '2', '2.9', 'notes', '2.x', '3.1.2']) await storage.storeCheckpoint(name, [new Uint8Array([1])]);
    const plugin = new CheckpointPlugin(storage, { quiet: true });
    assert.deepEqual(await plugin.checkpointNames(), ['1', '2', '2.9', '2.10', '10']);
    assert.deepEqual(await plugin.checkpointNumbers(), [1, 2, 10]);
  });

  it('everySeconds saves after the first iteration past the interval, inside experiences only', async () => {
    const storage = new MemoryCheckpointStorage();
    const { benchmark, strategy } = build(() => new CheckpointPlugin(storage, { everySeconds: 1e-6, quiet: true }), () => [], false);
    await strategy.train(benchmark.trainStream[0]!);
    const names = await new CheckpointPlugin(storage).checkpointNames();
    // Every iteration of experience 0 (10) except the first, which starts the interval.
    assert.deepEqual(names, Array.from({ length: 9 }, (_, i) => `0.${i + 2}`));
  });

  it('refuses a bad everyIterations or everySeconds (BAD_OPTIONS)', () => {
    for (const options of [{ everyIterations: 0 }, { everyIterations: 2.5 }, { everySeconds: 0 }, { everySeconds: Number.NaN }, { everySeconds: Infinity }]) {
      assert.throws(
        () => new CheckpointPlugin(new MemoryCheckpointStorage(), options),
        (err: unknown) => err instanceof CheckpointStorageError && err.code === 'BAD_OPTIONS',
        JSON.stringify(options),
      );
    }
  });
});
