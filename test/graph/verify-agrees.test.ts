import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatChunks, openContainer, packContainer } from '../../src/format/index.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
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
