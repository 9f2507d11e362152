/**
 * The tensor layer's model codecs are deferred (src/tensor/deferred-model-codecs.ts):
 * `mayBeLayersModel` picks out tfjs-layers models (and their subclasses) by the static
 * `className` tfjs gives its classes, without loading anything, and nothing else the
 * engine stores; a registry met with a model saves and loads it as before.
 */
import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Registry } from '../../src/registry/index.js';
import { mayBeLayersModel } from '../../src/tensor/deferred-model-codecs.js';
import { LAYERS_MODEL_CODEC_NAME, SEQUENTIAL_CODEC_NAME, registerTensorCodecs } from '../../src/tensor/index.js';
import { fakeLoad, fakeSave } from './fake-context.js';

const proto = (v: object) => Object.getPrototypeOf(v) as object;

test('mayBeLayersModel: Sequential, functional models and their subclasses; not layers, optimizers, tensors or plain values', () => {
  const sequential = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2] })] });
  const input = tf.input({ shape: [2] });
  const functional = tf.model({ inputs: input, outputs: tf.layers.dense({ units: 1 }).apply(input) as tf.SymbolicTensor });
  class MySequential extends tf.Sequential {}
  for (const model of [sequential, functional, new MySequential()]) assert.equal(mayBeLayersModel(proto(model)), true, model.constructor.name);
  const t = tf.tensor1d([1]);
  const v = tf.variable(tf.tensor1d([1]));
  for (const other of [tf.layers.dense({ units: 1 }), tf.train.adam(), t, v, {}, new Map(), [], new Float32Array(1), new (class Model {})()]) {
    assert.equal(mayBeLayersModel(proto(other)), false, other.constructor.name);
  }
  tf.dispose([t, v]);
  sequential.dispose();
  functional.dispose();
});

test('a registry with the tensor codecs saves and loads a model met after the others', () => {
  const registry = new Registry();
  registerTensorCodecs(registry);
  assert.ok(registry.names().includes(SEQUENTIAL_CODEC_NAME) && registry.names().includes(LAYERS_MODEL_CODEC_NAME));
  const t = tf.tensor1d([1, 2]);
  const model = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], kernelInitializer: 'ones' })] });
  const back = fakeLoad(fakeSave({ t, model }, { registry }), { registry }) as { t: tf.Tensor; model: tf.Sequential };
  assert.ok(back.model instanceof tf.Sequential);
  assert.equal(registry.lookup(model)?.name, SEQUENTIAL_CODEC_NAME);
  const y = back.model.predict(tf.tensor2d([[1, 2]])) as tf.Tensor;
  assert.deepEqual([...y.dataSync()], [3]);
  tf.dispose([t, y, back.t]);
  model.dispose();
  back.model.dispose();
});
