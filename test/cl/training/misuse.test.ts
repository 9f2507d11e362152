import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Experience } from '../../../src/cl/benchmarks/index.js';
import { asMultitask, setTrainable } from '../../../src/cl/models/index.js';
import { Naive } from '../../../src/cl/training/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, smallBenchmark, smallModel } from '../helpers.js';

const code = (c: string) => (e: unknown) => e instanceof CheckpointError && e.code === c;

describe('misuse of the strategy and models gets typed errors', () => {
  before(setupBackend);

  it('training a model whose every weight is frozen is NOTHING_TO_TRAIN', async () => {
    const model = smallModel();
    setTrainable(model.features, false);
    setTrainable(model.classifier, false);
    const s = new Naive({ model, optimizer: tf.train.sgd(0.1), trainMbSize: 16 });
    await assert.rejects(s.train(smallBenchmark().trainStream[0]!), code('NOTHING_TO_TRAIN'));
    model.dispose();
  });

  it('addLoss outside beforeBackward is NO_LOSS', () => {
    const model = smallModel();
    const s = new Naive({ model, optimizer: tf.train.sgd(0.1) });
    assert.throws(() => s.addLoss(tf.scalar(1)), code('NO_LOSS'));
    model.dispose();
  });

  it('the task label of an experience with several tasks is MULTIPLE_TASKS', () => {
    const exp = smallBenchmark().trainStream[0]!;
    const mixed = new Experience('train', 0, exp.dataset, exp.classesInThisExperience, [0, 1]);
    assert.throws(() => mixed.taskLabel, code('MULTIPLE_TASKS'));
    assert.equal(exp.taskLabel, 0);
  });

  it('a multi-head forward with one task label per row missing is BAD_INPUT', () => {
    const model = asMultitask(smallModel(), 'classifier');
    const x = tf.zeros([3, 8]) as tf.Tensor2D;
    assert.throws(() => model.forward(x, Int32Array.of(0, 0), false), code('BAD_INPUT'));
    x.dispose();
  });
});
