import * as tf from '@tensorflow/tfjs';
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { RNGManager, type RandomGeneratorDefinition } from '../../../src/cl/rng/index.js';
import { CheckpointError } from '../../../src/errors.js';
import { setupBackend, values } from '../helpers.js';

before(setupBackend);

function draws(n: number, f: () => number): number[] {
  return Array.from({ length: n }, f);
}

describe('RNGManager seeds every generator of the run', () => {
  it('makes Math.random and the library generator repeat for the same seed and differ for another', () => {
    RNGManager.setRandomSeeds(42);
    const a = [draws(5, Math.random), draws(5, () => RNGManager.random())];
    RNGManager.setRandomSeeds(42);
    const b = [draws(5, Math.random), draws(5, () => RNGManager.random())];
    RNGManager.setRandomSeeds(43);
    const c = [draws(5, Math.random), draws(5, () => RNGManager.random())];
    assert.deepEqual(a, b);
    assert.notDeepEqual(a[0], c[0]);
    assert.notDeepEqual(a[0], a[1], 'Math.random and the library generator are separate streams');
    assert.ok(RNGManager.isMathRandomManaged());
  });

  it('makes tfjs initializers, dropout and random ops reproducible (tfjs draws their seeds from Math.random)', () => {
    const sample = () =>
      tf.tidy(() => {
        const layer = tf.layers.dense({ units: 4, inputShape: [3] });
        const model = tf.sequential({ layers: [layer, tf.layers.dropout({ rate: 0.5 })] });
        const kernel = values(layer.getWeights()[0]!);
        const dropped = values(model.apply(tf.ones([2, 3]), { training: true }) as tf.Tensor);
        const uniform = values(tf.randomUniform([4]));
        const normal = values(tf.randomNormal([4]));
        const truncated = values(tf.truncatedNormal([4]));
        const shuffled = [0, 1, 2, 3, 4, 5];
        tf.util.shuffle(shuffled);
        model.dispose();
        return { kernel, dropped, uniform, normal, truncated, shuffled };
      });
    RNGManager.setRandomSeeds(7);
    const first = sample();
    RNGManager.setRandomSeeds(7);
    const second = sample();
    RNGManager.setRandomSeeds(8);
    const other = sample();
    assert.deepEqual(first, second);
    assert.notDeepEqual(first.kernel, other.kernel);
    assert.notDeepEqual(first.uniform, other.uniform);
    assert.ok(first.dropped.includes(0), 'dropout was active');
  });
});

describe('RNGManager state', () => {
  it('is plain data that restores every generator exactly, also after a JSON round trip', () => {
    RNGManager.setRandomSeeds(5);
    draws(13, Math.random);
    draws(7, () => RNGManager.random());
    const state = JSON.parse(JSON.stringify(RNGManager.getState()));
    const expected = [draws(20, Math.random), draws(20, () => RNGManager.random()), values(tf.randomUniform([3]))];
    draws(100, Math.random);
    RNGManager.setState(state);
    const actual = [draws(20, Math.random), draws(20, () => RNGManager.random()), values(tf.randomUniform([3]))];
    assert.deepEqual(actual, expected);
    assert.deepEqual(Object.keys(state), RNGManager.generatorNames());
  });

  it('covers registered generators: seeded, saved, restored and stepped through their definition', () => {
    let x = 0;
    const calls: string[] = [];
    const counter: RandomGeneratorDefinition = {
      seed: (s) => { calls.push(`seed ${s}`); x = s; },
      saveState: () => ({ x }),
      loadState: (s) => { calls.push('load'); x = (s as { x: number }).x; },
      step: () => { x++; },
    };
    RNGManager.registerRandomGenerator('test.counter', counter);
    try {
      RNGManager.setRandomSeeds(11);
      assert.equal(x, 11);
      RNGManager.stepGenerators();
      const state = RNGManager.getState();
      assert.deepEqual(state['test.counter'], { currentState: { x: 12 } });
      x = 99;
      RNGManager.setState(state);
      assert.equal(x, 12);
      assert.deepEqual(calls, ['seed 11', 'load']);
    } finally {
      RNGManager.unregisterRandomGenerator('test.counter');
    }
  });

  it('refuses a state without an entry for a registered generator, or with an unknown one, and changes nothing', () => {
    RNGManager.setRandomSeeds(1);
    const state = RNGManager.getState();
    const next = Math.random();
    RNGManager.setState(state);
    const { mathRandom: _m, ...missing } = state;
    assert.throws(() => RNGManager.setState(missing), (e: CheckpointError) => e.code === 'RNG_STATE_MISSING' && e.path === '.mathRandom');
    assert.throws(() => RNGManager.setState({ ...state, other: { currentState: 1 } }), (e: CheckpointError) => e.code === 'RNG_STATE_UNKNOWN' && e.path === '.other');
    const broken = { ...state, reprise: { currentState: { i: 0, j: 0, S: [1, 2] } } };
    assert.throws(() => RNGManager.setState(broken), (e: CheckpointError) => e.code === 'RNG_STATE_INVALID' && e.path === '.reprise.currentState');
    assert.equal(Math.random(), next, 'the failed restores left the generators untouched');
  });

  it('rejects a definition without its four methods and a non-finite seed', () => {
    assert.throws(() => RNGManager.registerRandomGenerator('bad', { seed() {} } as never), (e: CheckpointError) => e.code === 'BAD_CONFIG');
    assert.throws(() => RNGManager.setRandomSeeds(Number.NaN), (e: CheckpointError) => e.code === 'BAD_CONFIG');
    assert.throws(() => RNGManager.unregisterRandomGenerator('mathRandom'), (e: CheckpointError) => e.code === 'BAD_CONFIG');
  });

  it('alignSeeds re-seeds every generator from the library generator, reproducibly', () => {
    RNGManager.setRandomSeeds(3);
    RNGManager.alignSeeds();
    const a = draws(3, Math.random);
    RNGManager.setRandomSeeds(3);
    RNGManager.alignSeeds();
    assert.deepEqual(draws(3, Math.random), a);
  });
});
