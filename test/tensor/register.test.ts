import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RegistrationError } from '../../src/errors.js';
import { Registry, defaultRegistry } from '../../src/registry/index.js';
import { Device, OPTIMIZER_CODEC_NAMES, registerTensorCodecs } from '../../src/tensor/index.js';
import { fakeLoad, fakeSave } from './fake-context.js';

const NAMES = [
  'reprise.Device',
  'tf.Tensor',
  'tf.Variable',
  'tf.Sequential',
  'tf.LayersModel',
  'tf.SGDOptimizer',
  'tf.MomentumOptimizer',
  'tf.AdamOptimizer',
  'tf.AdamaxOptimizer',
  'tf.AdagradOptimizer',
  'tf.AdadeltaOptimizer',
  'tf.RMSPropOptimizer',
];

test('importing the tensor layer registers its codecs in the default registry under stable names', () => {
  for (const name of NAMES) assert.equal(defaultRegistry.byStableName(name)?.kind, 'codec', name);
  assert.deepEqual(Object.values(OPTIMIZER_CODEC_NAMES).sort(), NAMES.filter((n) => n.endsWith('Optimizer')).sort());
});

test('registerTensorCodecs is idempotent and fills a fresh registry without touching others', () => {
  const registry = new Registry();
  registerTensorCodecs(registry);
  registerTensorCodecs(registry);
  registerTensorCodecs(defaultRegistry);
  assert.deepEqual(registry.names().sort(), [...NAMES].sort());
  const other = new Registry();
  assert.deepEqual(other.names(), []);
  const t = tf.tensor1d([1, 2]);
  const back = fakeLoad(fakeSave({ t, d: new Device('cpu') }, { registry }), { registry }) as { t: tf.Tensor; d: Device };
  assert.deepEqual([...back.t.dataSync()], [1, 2]);
  assert.ok(back.d instanceof Device);
  tf.dispose([t, back.t]);
});

test('a registry where another class holds a tensor codec name refuses the registration', () => {
  const registry = new Registry();
  registry.registerCodec(class Imposter {}, { name: 'tf.Tensor', encode: () => 0, decode: () => 0 });
  assert.throws(() => registerTensorCodecs(registry), (err: unknown) => err instanceof RegistrationError && err.code === 'REGISTRATION');
});
