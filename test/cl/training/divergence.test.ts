import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { EWCPlugin } from '../../../src/cl/plugins/index.js';
import { RNGManager } from '../../../src/cl/rng/index.js';
import { Naive, TrainingDivergedError, type StrategyPlugin, type SupervisedTemplate } from '../../../src/cl/training/index.js';
import { setupBackend, smallBenchmark, smallModel } from '../helpers.js';

/** Adds a NaN to the loss at one iteration (experience, epoch, iteration in the epoch) and records the weights just before it. */
class PoisonAt implements StrategyPlugin {
  weightsBefore: Float32Array[] | undefined;
  constructor(readonly experience: number, readonly epoch: number, readonly iteration: number, readonly value = NaN) {}
  private hit(s: SupervisedTemplate): boolean {
    return s.experience!.currentExperience === this.experience && s.clock.trainExpEpochs === this.epoch && s.clock.trainEpochIterations === this.iteration;
  }
  beforeTrainingIteration(s: SupervisedTemplate): void {
    if (this.hit(s)) this.weightsBefore = s.model.parts().flatMap(([, m]) => m.getWeights().map((w) => w.dataSync() as Float32Array).map((a) => a.slice()));
  }
  beforeBackward(s: SupervisedTemplate): void {
    if (this.hit(s)) s.addLoss(tf.scalar(this.value));
  }
}

describe('a loss that is not a finite number stops training', () => {
  before(setupBackend);

  for (const value of [NaN, Infinity]) {
    it(`${value}: a TrainingDivergedError names the experience, epoch and iteration, before the update`, async () => {
      const benchmark = smallBenchmark();
      const model = smallModel();
      const poison = new PoisonAt(1, 1, 3, value);
      const s = new Naive({ model, optimizer: tf.train.momentum(0.01, 0.9), trainMbSize: 16, trainEpochs: 2, plugins: [poison] });
      await s.train(benchmark.trainStream[0]!);
      const err = await s.train(benchmark.trainStream[1]!).then(
        () => assert.fail('training went on'),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TrainingDivergedError, String(err));
      assert.equal(err.code, 'LOSS_NOT_FINITE');
      assert.deepEqual([err.experience, err.epoch, err.iteration], [1, 1, 3]);
      assert.equal(String(err.loss), String(value));
      const after = model.parts().flatMap(([, m]) => m.getWeights().map((w) => w.dataSync() as Float32Array));
      assert.deepEqual(after, poison.weightsBefore, 'the diverged iteration changed no weight');
      assert.equal(s.isTraining, false);
      model.dispose();
    });
  }

  it('EWC with a huge λ under momentum SGD no longer turns the weights NaN silently', async () => {
    RNGManager.setRandomSeeds(11);
    const benchmark = smallBenchmark();
    const model = smallModel();
    const s = new Naive({ model, optimizer: tf.train.momentum(0.1, 0.9), trainMbSize: 16, trainEpochs: 2, plugins: [new EWCPlugin({ lambda: 1e20 })] });
    await s.train(benchmark.trainStream[0]!);
    await assert.rejects(s.train(benchmark.trainStream[1]!), (e: unknown) => e instanceof TrainingDivergedError && e.experience === 1);
    model.dispose();
  });
});
