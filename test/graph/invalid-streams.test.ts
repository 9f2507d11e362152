import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Tag } from '../../src/graph/index.js';
import { INVALID_STREAMS, withStates } from './invalid-streams.js';
import { Registry, serializable } from '../../src/registry/index.js';
import { container, expectBoth, expectLoads, graphOffset, inspectOutcome, str } from './stream-helpers.js';

describe('invalid graph streams: each gives its code, the same from load and from inspect/verify', () => {
  for (const s of INVALID_STREAMS) {
    it(`${s.name} → ${s.code}${s.at === undefined ? '' : ` at stream byte ${s.at}`}`, () => {
      const file = container(s.graph, s.sections?.());
      const { offset } = expectBoth(file, s.code, { path: s.path, registry: s.registry?.() });
      if (s.at !== undefined) assert.equal(offset, graphOffset(file) + s.at);
    });
  }
});

describe('states that load are accepted by inspect/verify too', () => {
  const loads = (graph: number[]): unknown => expectLoads(container(graph), { registry: withStates() });

  it('an object or array state, for a class without setState: its keys become fields', () => {
    assert.deepEqual({ ...(loads([Tag.CLASS_STATE, ...str('P'), 1, Tag.OBJECT, 1, ...str('a'), Tag.INT, 2]) as object) }, { a: 1 });
    assert.deepEqual({ ...(loads([Tag.CLASS_STATE, ...str('P'), 1, Tag.ARRAY, 1, Tag.TRUE]) as object) }, { 0: true });
  });

  it('an object state inside a codec value', () => {
    const box = loads([Tag.CODEC, ...str('K'), 1, Tag.CLASS_STATE, ...str('P'), 1, Tag.OBJECT, 1, ...str('a'), Tag.INT, 2]) as { v: object };
    assert.deepEqual({ ...box.v }, { a: 1 });
  });

  it('a number state of an older version, which migrate turns into an object', () => {
    assert.deepEqual({ ...(loads([Tag.CLASS_STATE, ...str('M'), 1, Tag.INT, 10]) as object) }, { migrated: 5 });
  });

  it('inspect/verify never runs a setState or migrate hook (load does)', () => {
    const calls: string[] = [];
    const registry = new Registry();
    @serializable({ registry, name: 'H', version: 2, migrate: (s: unknown) => (calls.push('migrate'), s), setState: () => void calls.push('setState') })
    class H {}
    void H;
    const file = container([Tag.CLASS_STATE, ...str('H'), 1, Tag.OBJECT, 0]);
    assert.deepEqual(inspectOutcome(file, registry), { ok: true });
    assert.deepEqual(calls, []);
    expectLoads(file, { registry });
    assert.deepEqual(calls, ['migrate', 'setState']);
  });

  it('any state, for a class with setState', () => {
    assert.deepEqual({ ...(loads([Tag.CLASS_STATE, ...str('S'), 1, Tag.INT, 10]) as object) }, { s: 5 });
    assert.deepEqual({ ...(loads([Tag.CLASS_STATE, ...str('S'), 1, Tag.NULL]) as object) }, { s: null });
  });
});
