import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { Experience, GaussianBlobsDataset } from '../../../src/cl/benchmarks/index.js';
import { MultiTaskModule, SimpleMLP, asMultitask, namedParameters, trainableVariables } from '../../../src/cl/models/index.js';
import { defaultRegistry } from '../../../src/registry/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, values } from '../helpers.js';

before(setupBackend);

const data = () => new GaussianBlobsDataset({ nFeatures: 4, nClasses: 2, samplesPerClass: 2, seed: 1 });
const exp = (task: number, classes: number[]) => new Experience('train', task, data(), classes, [task]);

function model(): MultiTaskModule {
  return asMultitask(new SimpleMLP({ inputSize: 4, numClasses: 2, hiddenSize: 6, dropRate: 0 }), 'classifier');
}

describe('asMultitask', () => {
  it('replaces the classifier by heads added when a task is first trained on', () => {
    const m = model();
    assert.equal(defaultRegistry.lookup(m)?.name, 'reprise.cl.MultiTaskModule');
    assert.equal(m.heads.size, 0);
    m.adaptation(exp(0, [0, 1]), true);
    m.adaptation(exp(1, [0, 1]), true);
    m.adaptation(exp(1, [0, 1]), true);
    m.adaptation(exp(5, [0, 1]), false);
    assert.deepEqual([...m.heads.keys()], [0, 1]);
    assert.deepEqual(namedParameters(m).map((p) => p.name), [
      'trunk.0.kernel', 'trunk.0.bias', 'heads.0.0.kernel', 'heads.0.0.bias', 'heads.1.0.kernel', 'heads.1.0.bias',
    ]);
    assert.equal(trainableVariables(m).length, 6);
    m.dispose();
  });

  it('grows a head to the largest class + 1, keeping its weights, and masks classes not trained on', () => {
    const m = model();
    m.adaptation(exp(0, [0, 1]), true);
    const before = values(m.heads.get(0)!.getWeights()[0]!);
    m.adaptation(exp(0, [3]), true);
    const kernel = m.heads.get(0)!.getWeights()[0]!;
    assert.deepEqual(kernel.shape, [6, 4]);
    const grown = kernel.arraySync() as number[][];
    assert.deepEqual(grown.flatMap((row) => row.slice(0, 2)), before);
    assert.deepEqual([...m.activeUnits.get(0)!], [1, 1, 0, 1]);
    const out = m.forward(tf.ones([3, 4]), new Int32Array(3), false);
    assert.deepEqual(out.shape, [3, 4]);
    assert.ok((out.arraySync() as number[][]).every((row) => row[2] === -1000 && row[0] !== -1000));
    out.dispose();
    m.dispose();
  });

  it('routes each row of a mixed batch to its own head', () => {
    const m = model();
    m.adaptation(exp(0, [0, 1]), true);
    m.adaptation(exp(1, [0, 1, 2]), true);
    const x = tf.randomNormal([4, 4]) as tf.Tensor2D;
    const tasks = Int32Array.of(1, 0, 1, 0);
    const mixed = m.forward(x, tasks, false).arraySync() as number[][];
    const only0 = m.forward(x, new Int32Array(4).fill(0), false).arraySync() as number[][];
    const only1 = m.forward(x, new Int32Array(4).fill(1), false).arraySync() as number[][];
    assert.deepEqual(mixed.map((row) => row.length), [3, 3, 3, 3]);
    assert.deepEqual(mixed[0], only1[0]);
    assert.deepEqual(mixed[1]!.slice(0, 2), only0[1]);
    assert.equal(mixed[1]![2], -1000, 'a narrower head is padded with the mask value');
    const all = m.forwardAllTasks(x, false);
    assert.deepEqual([...all.keys()], [0, 1]);
    assert.deepEqual(all.get(1)!.arraySync(), only1);
    tf.dispose([x, ...all.values()]);
    m.dispose();
  });

  it('trains the rows of each task through its head only', () => {
    const m = model();
    m.adaptation(exp(0, [0, 1]), true);
    m.adaptation(exp(1, [0, 1]), true);
    const x = tf.randomNormal([4, 4]) as tf.Tensor2D;
    const { grads, value } = tf.variableGrads(
      () => m.forward(x, Int32Array.of(0, 0, 0, 0), true).sum() as tf.Scalar,
      trainableVariables(m),
    );
    const names = new Map(namedParameters(m).map((p) => [p.variable.name, p.name]));
    assert.deepEqual(Object.keys(grads).map((n) => names.get(n)).sort(), ['heads.0.0.bias', 'heads.0.0.kernel', 'trunk.0.bias', 'trunk.0.kernel']);
    tf.dispose([x, value, ...Object.values(grads)]);
    m.dispose();
  });

  it('outputs zeros for a task without a head and clones heads, masks and trunk', () => {
    const m = model();
    m.adaptation(exp(0, [1]), true);
    const x = tf.ones([2, 4]) as tf.Tensor2D;
    assert.deepEqual(values(m.forward(x, Int32Array.of(7, 7), false)), [0, 0, 0, 0]);
    const copy = m.clone();
    assert.deepEqual(values(copy.forward(x, Int32Array.of(0, 0), false)), values(m.forward(x, Int32Array.of(0, 0), false)));
    copy.activeUnits.get(0)![0] = 1;
    assert.equal(m.activeUnits.get(0)![0], 0);
    x.dispose();
    m.dispose();
    copy.dispose();
  });

  it('refuses a model without a Dense part of that name', () => {
    assert.throws(() => asMultitask(new SimpleMLP({ inputSize: 2, hiddenSize: 2 }), 'head'), (e: CheckpointError) => e.code === 'BAD_CONFIG');
  });
});
