import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { deserialize, serialize } from '../../src/checkpoint/index.js';
import { CheckpointError } from '../../src/errors.js';
import { initBackend } from '../../src/tensor/index.js';

const code = (c: string, path: string) => (e: unknown) => e instanceof CheckpointError && e.code === c && e.path === path;

describe('model and optimizer codecs name what failed and where', () => {
  before(() => initBackend({ quiet: true }));

  it('a model that cannot describe its topology is MODEL_CONFIG', () => {
    const model = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3] })] });
    model.getConfig = () => {
      throw new Error('custom layer without getConfig');
    };
    assert.throws(() => serialize({ net: model }), code('MODEL_CONFIG', '.net'));
    model.dispose();
  });

  it('an optimizer tfjs cannot rebuild from its stored config is OPTIMIZER_REBUILD', () => {
    const bytes = serialize({ opt: tf.train.momentum(0.1, 0.9) });
    const ctor = tf.MomentumOptimizer as unknown as { fromConfig: unknown };
    const original = ctor.fromConfig;
    ctor.fromConfig = () => {
      throw new Error('bad config');
    };
    try {
      assert.throws(() => deserialize(bytes), code('OPTIMIZER_REBUILD', '.opt'));
    } finally {
      ctor.fromConfig = original;
    }
    assert.ok(deserialize(bytes), 'loads again once tfjs can rebuild it');
  });
});
