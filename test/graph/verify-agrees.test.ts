import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatChunks, openContainer, packContainer } from '../../src/format/index.js';
import * as tf from '@tensorflow/tfjs';
import { constructorSerialized, Registry, serializable, type CodecEntry, type CodecOptions } from '../../src/registry/index.js';
import { registerTensorCodecs } from '../../src/tensor/index.js';
import '../tensor/setup.js';
import { toBytes } from '../helpers/graph-round-trip.js';
import { container, inspectOutcome, loadOutcome } from './stream-helpers.js';

/** A valid file with every kind of value, a shared buffer, a cycle and a bytes section. */
function sample(): Uint8Array {
  const buffer = new ArrayBuffer(16);
  const cyclic: Record<string, unknown> = { name: 'c' };
  cyclic.self = cyclic;
  return toBytes({
    a: [1, 2, , { b: new Map<unknown, unknown>([['k', new Set([1n, 'x', -(2n ** 70n)])]]) }], // eslint-disable-line no-sparse-arrays
    d: new Date(5),
    r: /x+/g,
    t: new Float32Array(buffer, 4, 2),
    v: new DataView(buffer, 0, 8),
    big: new Uint8Array(5000).fill(7),
    node: Buffer.from('abc'),
    e: new TypeError('bad', { cause: 'why' }),
    s: '\ud800 lone',
    n: Object.assign(Object.create(null), { x: -0, y: NaN, z: 2 ** 40 }),
    cyclic,
  });
}

/** Classes of every kind whose hooks accept anything: what load refuses of them, inspect refuses too. */
function classRegistry(): Registry {
  const registry = new Registry();
  @serializable({ registry, name: 'T.Fields' })
  class Fields {
    a = 1;
    b: unknown = [2];
  }
  @serializable({ registry, name: 'T.State', getState: (o: State) => ({ x: o.x }), setState: (o: State, s: unknown) => void (o.x = s) })
  class State {
    x: unknown = 3;
  }
  @constructorSerialized({ registry, name: 'T.Ctor' })
  class Ctor {
    constructor(readonly v?: unknown) {}
  }
  class Box {
    constructor(readonly v: unknown) {}
  }
  registry.registerCodec(Box, { name: 'T.Box', encode: (b: Box) => b.v, decode: (v: unknown) => new Box(v) });
  const f = (x: number) => x;
  registry.registerFunction('T.f', f);
  sampleOfClasses = { fields: new Fields(), state: new State(), ctor: new Ctor([1, 'two']), box: new Box({ k: 1 }), f, again: null };
  return registry;
}
let sampleOfClasses: Record<string, unknown> = {};

/** The same file with its graph stream replaced, checksums re-sealed. */
function withGraph(file: Uint8Array, graph: Uint8Array): Uint8Array {
  const c = openContainer(file);
  const sections = c.header.sections.slice(1).map((s, i) => ({ kind: s.kind as 'bytes' | 'tensor', data: c.section(i + 1), dtype: s.dtype, shape: s.shape, device: s.device }));
  return concatChunks(packContainer({ graph, sections, writer: 'test', backend: '' }));
}

function assertAgree(file: Uint8Array, registry = new Registry()): void {
  const loaded = loadOutcome(file, registry);
  assert.deepEqual(inspectOutcome(file, registry), loaded, `inspect/verify and load disagree; load gave ${JSON.stringify(loaded)}`);
}

describe('verify and load agree: same code, path and offset, or both accept', () => {
  it('the intact sample', () => {
    assert.deepEqual(loadOutcome(sample()), { ok: true });
    assertAgree(sample());
  });

  it('every truncation and every flipped bit of the sample', () => {
    const file = sample();
    for (let n = 0; n < file.length; n += 7) assertAgree(file.subarray(0, n));
    for (let i = 0; i < file.length; i += 3) {
      const copy = file.slice();
      copy[i]! ^= 1 << i % 8;
      assertAgree(copy);
    }
  });

  it('mutated graph streams with checksums re-sealed (fuzzing corpus)', () => {
    const file = sample();
    const graph = openContainer(file).graph.slice();
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(graph.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }),
        fc.option(fc.nat(graph.length), { nil: undefined }),
        (edits, cut) => {
          const g = graph.slice(0, cut ?? graph.length);
          for (const [at, v] of edits) if (at < g.length) g[at] = v;
          assertAgree(withGraph(file, g));
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('mutated streams of registered classes, constructors, codecs and functions (fuzzing corpus)', () => {
    const registry = classRegistry();
    const file = toBytes(sampleOfClasses, registry);
    assertAgree(file, registry);
    const graph = openContainer(file).graph.slice();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(graph.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const g = graph.slice();
        for (const [at, v] of edits) g[at] = v;
        assertAgree(withGraph(file, g), registry);
      }),
      { numRuns: 2000 },
    );
  });

  it('random streams (fuzzing corpus)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => assertAgree(container(bytes))),
      { numRuns: 3000 },
    );
  });
});

/**
 * The same agreement for the values of the tensor layer's codecs, whose records the
 * graph's grammar alone does not judge: verify runs each codec's `check` on the record
 * (built as plain data), and the model and optimizer checks build the value with its own
 * `decode` and discard it, so a record fails both with the same code and path — what only
 * building finds (a topology tfjs refuses) included: no disagreement is tolerated.
 * Records are written by hand under the codecs' names (a `Raw` codec in an encoding
 * registry of its own), starting from what the real codecs write.
 */
describe('verify and load agree on tensor, Variable, model and optimizer records', () => {
  const tensors = new Registry();
  registerTensorCodecs(tensors);

  type Ctx = Parameters<CodecOptions<unknown>['encode']>[1];
  /** Writes `record(ctx)` as the value of codec `name` at `.x`; `ctx.addSection` stores sections. */
  function rawFile(name: string, record: (ctx: Ctx) => unknown): Uint8Array {
    const registry = new Registry();
    class Raw {}
    registry.registerCodec(Raw, { name, encode: (_: Raw, ctx: Ctx) => record(ctx), decode: () => new Raw() });
    return toBytes({ x: new Raw() }, registry);
  }
  /** What the real codec of `value` writes, in the same context (its sections are added there). */
  const realRecord = (value: object, ctx: Ctx) => (tensors.lookup(value) as CodecEntry).encode(value, ctx as never) as Record<string, any>;
  const f32 = (ctx: Ctx, values: number[], shape = [values.length]) =>
    ctx.addSection({ kind: 'tensor', data: new Uint8Array(new Float32Array(values).buffer), dtype: 'float32', shape, device: 'cpu' });
  const tensorRecord = (ctx: Ctx) => ({ section: f32(ctx, [1, 2, 3]), dtype: 'float32', shape: [3] });

  /**
   * Load and verify with the registry give the same outcome; so does verify without one
   * (as the command line runs it, knowing only the built-in codecs) when `cli` is set:
   * not for mutated names, which only a registry can refuse.
   */
  function agree(file: Uint8Array, expected?: string, cli = true): void {
    const loaded = loadOutcome(file, tensors);
    tf.disposeVariables();
    if (expected === 'OK') assert.deepEqual(loaded, { ok: true });
    else if (expected) assert.equal(loaded.code, expected, `load: ${JSON.stringify(loaded)}`);
    const verified = inspectOutcome(file, tensors);
    assert.deepEqual(verified, loaded, `verify with the registry disagrees with load (${JSON.stringify(loaded)})`);
    if (cli) assert.deepEqual(inspectOutcome(file), loaded, `verify without a registry (the command line) disagrees with load (${JSON.stringify(loaded)})`);
  }

  const model = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    return m;
  };
  const momentum = () => {
    const opt = tf.train.momentum(0.1, 0.9);
    const w = tf.variable(tf.ones([2]));
    opt.minimize(() => tf.sum(tf.mul(w, w)) as tf.Scalar, false, [w]);
    return opt;
  };
  /** A model compiled with an optimizer of its own, a registered loss function and a metric name. */
  const compiled = () => {
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 1, inputShape: [2], name: 'e' })] });
    m.compile({ optimizer: tf.train.adam(0.01), loss: squared, metrics: ['mse'] });
    return m;
  };
  const squared = (a: tf.Tensor, b: tf.Tensor) => tf.mean(tf.square(tf.sub(a, b)));
  tensors.registerFunction('test.squared', squared);
  type Case = [name: string, codec: string, record: (ctx: Ctx) => unknown, code: string];
  const cases: Case[] = [
    ['tensor: a valid record', 'tf.Tensor', tensorRecord, 'OK'],
    ['tensor: shape disagrees with the section length', 'tf.Tensor', (c) => ({ ...tensorRecord(c), shape: [4] }), 'BAD_TENSOR'],
    ['tensor: unknown dtype', 'tf.Tensor', (c) => ({ ...tensorRecord(c), dtype: 'float16' }), 'BAD_TENSOR'],
    ['tensor: dtype other than its section', 'tf.Tensor', (c) => ({ ...tensorRecord(c), dtype: 'int32' }), 'BAD_TENSOR'],
    ['tensor: section index out of range', 'tf.Tensor', (c) => ({ ...tensorRecord(c), section: 7 }), 'BAD_SECTION'],
    ['tensor: section index negative', 'tf.Tensor', (c) => ({ ...tensorRecord(c), section: -1 }), 'BAD_TENSOR'],
    ['tensor: a bytes section', 'tf.Tensor', (c) => ({ section: c.addSection({ kind: 'bytes', data: new Uint8Array(12) }), dtype: 'float32', shape: [3] }), 'BAD_TENSOR'],
    ['tensor: not a record', 'tf.Tensor', () => 5, 'BAD_TENSOR'],
    ['tensor: shape not an array', 'tf.Tensor', (c) => ({ ...tensorRecord(c), shape: new Map() }), 'BAD_TENSOR'],
    ['tensor: a negative size', 'tf.Tensor', (c) => ({ ...tensorRecord(c), shape: [-3] }), 'BAD_TENSOR'],
    ['tensor: a bool element 2', 'tf.Tensor', (c) => ({ section: c.addSection({ kind: 'tensor', data: Uint8Array.of(1, 2), dtype: 'bool', shape: [2], device: 'cpu' }), dtype: 'bool', shape: [2] }), 'BAD_TENSOR'],
    ['tensor: string lengths past the section', 'tf.Tensor', (c) => ({ section: c.addSection({ kind: 'tensor', data: Uint8Array.of(1, 0, 0, 0, 9, 0, 0, 0, 0x61), dtype: 'string', shape: [1], device: 'cpu' }), dtype: 'string', shape: [1] }), 'BAD_TENSOR'],
    ['Variable: a valid record', 'tf.Variable', (c) => realRecord(tf.variable(tf.ones([2])), c), 'OK'],
    ['Variable: not a record', 'tf.Variable', () => 'v', 'BAD_TENSOR'],
    ['Variable: trainable not a boolean', 'tf.Variable', (c) => ({ ...realRecord(tf.variable(tf.ones([2])), c), trainable: 1 }), 'BAD_TENSOR'],
    ['Variable: a value whose shape disagrees', 'tf.Variable', (c) => { const r = realRecord(tf.variable(tf.ones([2])), c); return { ...r, value: { ...r.value, shape: [3] } }; }, 'BAD_TENSOR'],
    ['model: a valid record', 'tf.Sequential', (c) => realRecord(model(), c), 'OK'],
    ['model: not a record', 'tf.Sequential', () => null, 'BAD_MODEL'],
    ['model: weights missing', 'tf.Sequential', (c) => ({ ...realRecord(model(), c), weights: undefined }), 'BAD_MODEL'],
    ['model: config not JSON', 'tf.Sequential', (c) => ({ ...realRecord(model(), c), config: '{"layers": [' }), 'BAD_STORED_CONFIG'],
    ['model: config names an unregistered class', 'tf.Sequential', (c) => { const r = realRecord(model(), c); return { ...r, config: r.config.replace('"Dense"', '"Evil"') }; }, 'UNKNOWN_CLASS'],
    ['model: config with a __proto__ key', 'tf.Sequential', (c) => { const r = realRecord(model(), c); return { ...r, config: r.config.replace('"name"', '"__proto__"') }; }, 'BAD_STORED_CONFIG'],
    ['model: a weight entry not a record', 'tf.Sequential', (c) => { const r = realRecord(model(), c); return { ...r, weights: [r.weights[0], 3] }; }, 'BAD_MODEL'],
    ['model: a weight without trainable', 'tf.Sequential', (c) => { const r = realRecord(model(), c); return { ...r, weights: [r.weights[0], { ...r.weights[1], trainable: undefined }] }; }, 'BAD_MODEL'],
    ['model: a weight whose record disagrees with its section', 'tf.Sequential', (c) => { const r = realRecord(model(), c); return { ...r, weights: [{ ...r.weights[0], value: { ...r.weights[0].value, shape: [3, 3] } }, r.weights[1]] }; }, 'BAD_TENSOR'],
    ['model: compile state with a non-boolean optimizerOwned', 'tf.Sequential', (c) => ({ ...realRecord(model(), c), compiled: { optimizer: null, optimizerOwned: 'yes', loss: 'mse', metrics: null, collected: [] } }), 'BAD_MODEL'],
    ['model: compile state collecting a weight that is not stored', 'tf.Sequential', (c) => ({ ...realRecord(model(), c), compiled: { optimizer: null, optimizerOwned: true, loss: 'mse', metrics: null, collected: [2] } }), 'BAD_MODEL'],
    ['optimizer: a valid record', 'tf.MomentumOptimizer', (c) => realRecord(momentum(), c), 'OK'],
    ['optimizer: not a record', 'tf.MomentumOptimizer', () => [], 'BAD_OPTIMIZER'],
    ['optimizer: negative iterations', 'tf.MomentumOptimizer', (c) => ({ ...realRecord(momentum(), c), iterations: -1 }), 'BAD_OPTIMIZER'],
    ['optimizer: config names an unregistered class', 'tf.MomentumOptimizer', (c) => ({ ...realRecord(momentum(), c), config: '{"className": "Evil"}' }), 'UNKNOWN_CLASS'],
    ['optimizer: a state missing', 'tf.MomentumOptimizer', (c) => { const r = realRecord(momentum(), c); return { ...r, state: { c: r.state.c } }; }, 'BAD_OPTIMIZER'],
    ['optimizer: a state of the wrong shape', 'tf.MomentumOptimizer', (c) => { const r = realRecord(momentum(), c); return { ...r, state: { ...r.state, m: { value: tensorRecord(c) } } }; }, 'BAD_OPTIMIZER'],
    ['optimizer: a state whose record disagrees with its section', 'tf.MomentumOptimizer', (c) => { const r = realRecord(momentum(), c); return { ...r, state: { ...r.state, m: { value: { ...r.state.m.value, dtype: 'int32' } } } }; }, 'BAD_TENSOR'],
    ['optimizer: a slot list missing', 'tf.MomentumOptimizer', (c) => ({ ...realRecord(momentum(), c), slots: {} }), 'BAD_OPTIMIZER'],
    ['optimizer: a slot without originalName', 'tf.MomentumOptimizer', (c) => { const r = realRecord(momentum(), c); return { ...r, slots: { accumulations: [{ value: r.slots.accumulations[0].value }] } }; }, 'BAD_OPTIMIZER'],
    ['optimizer: a slot whose record disagrees with its section', 'tf.MomentumOptimizer', (c) => { const r = realRecord(momentum(), c); const s = r.slots.accumulations[0]; return { ...r, slots: { accumulations: [{ ...s, value: { ...s.value, section: 99 } }] } }; }, 'BAD_SECTION'],
  ];
  for (const [name, codec, record, code] of cases) {
    it(`${name}: ${code}`, () => {
      const file = rawFile(codec, record);
      agree(file, code);
      if (code !== 'OK') assert.equal(loadOutcome(file, tensors).path, '.x', 'the error names the codec value');
      tf.disposeVariables();
    });
  }

  it('mutated streams of real tensors, Variables, a model and an optimizer (fuzzing corpus)', () => {
    const value = {
      t: tf.tensor([[1, 2], [3, 4]]),
      b: tf.tensor([true, false, true], [3], 'bool'),
      s: tf.tensor(['a', 'bc']),
      v: tf.variable(tf.ones([2]), true, 'verify_v'),
      m: model(),
      o: momentum(),
      c: compiled(),
    };
    const file = toBytes(value, tensors);
    agree(file, 'OK');
    const graph = openContainer(file).graph.slice();
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(graph.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 3 }), (edits) => {
        const g = graph.slice();
        for (const [at, v] of edits) g[at] = v;
        agree(withGraph(file, g), undefined, false);
      }),
      { numRuns: 300 },
    );
  });
});
