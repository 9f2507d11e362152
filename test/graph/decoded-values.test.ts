/**
 * What load builds, property by property: the descriptors of an Error's name, stack and
 * cause and of the fields it defines, the state object a setState hook is handed, and
 * what inspect must not run. Mutation testing of graph-decoder.ts found these unpinned.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointFormatError } from '../../src/errors.js';
import { decodeGraph, encodeGraph, Tag } from '../../src/graph/index.js';
import { Registry, serializable } from '../../src/registry/index.js';
import { roundTrip } from '../helpers/graph-round-trip.js';
import { withStates } from './invalid-streams.js';
import { container, expectBoth, expectLoads, inspectOutcome, str } from './stream-helpers.js';

const data = (value: unknown) => ({ value, writable: true, enumerable: false, configurable: true });
const field = (value: unknown) => ({ value, writable: true, enumerable: true, configurable: true });

describe('a loaded Error', () => {
  it('of a built-in class inherits its name; its stack is an own, non-enumerable property', () => {
    const saved = new TypeError('t');
    const e = roundTrip(saved);
    assert.ok(e instanceof TypeError);
    assert.equal(Object.hasOwn(e, 'name'), false, 'name comes from TypeError.prototype');
    assert.deepEqual(Object.getOwnPropertyDescriptor(e, 'stack'), data(saved.stack));
    assert.equal('cause' in e, false, 'no cause was saved, none is defined');
  });

  it('of each built-in class comes back as that class', () => {
    for (const Kind of [Error, TypeError, RangeError, SyntaxError, ReferenceError, EvalError, URIError]) {
      const e = roundTrip(new Kind('m'));
      assert.equal(Object.getPrototypeOf(e), Kind.prototype, Kind.name);
      assert.equal(e.name, Kind.name);
    }
  });

  it('with a name of its own keeps it as an own, non-enumerable property', () => {
    const saved = new Error('m');
    saved.name = 'ShardError';
    const e = roundTrip(saved);
    assert.deepEqual(Object.getOwnPropertyDescriptor(e, 'name'), data('ShardError'));
  });

  it('with a cause keeps it as an own, non-enumerable property', () => {
    const e = roundTrip(new RangeError('outer', { cause: { step: 3 } }));
    assert.deepEqual(Object.getOwnPropertyDescriptor(e, 'cause'), data({ step: 3 }));
  });
});

describe('strings', () => {
  it('a leading byte order mark is part of the string, not dropped', () => {
    assert.deepEqual(roundTrip(['\uFEFFabc', '\uFEFF', 'a\uFEFF']), ['\uFEFFabc', '\uFEFF', 'a\uFEFF']);
  });
});

describe('fields', () => {
  it('a plain object\'s own "__proto__" key is an own data property, and the prototype is untouched', () => {
    const saved = JSON.parse('{"__proto__": 1, "b": 2}') as Record<string, unknown>;
    const o = roundTrip(saved);
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
    assert.deepEqual(Object.getOwnPropertyDescriptors(o), { ['__proto__']: field(1), b: field(2) });
  });

  it('a registered class\'s fields are own data properties, defined without running the prototype\'s setters', () => {
    const registry = new Registry();
    const setterCalls: unknown[] = [];
    @serializable({ registry, name: 'test.values.Guarded' })
    class Guarded {
      n = 1;
    }
    const saved = new Guarded();
    saved.n = 7;
    Object.defineProperty(Guarded.prototype, 'n', { set: (v) => void setterCalls.push(v), configurable: true });
    const g = roundTrip(saved, { registry });
    assert.ok(g instanceof Guarded);
    assert.deepEqual(Object.getOwnPropertyDescriptor(g, 'n'), field(7));
    assert.deepEqual(setterCalls, []);
  });

  it('setState of a class stored as fields is handed a fresh null-prototype state, not the half-built instance', () => {
    const registry = new Registry();
    const handed: unknown[] = [];
    // No getState: the fields are stored, and load collects them for setState.
    @serializable({
      registry,
      name: 'test.values.Renamed',
      setState: (r: Renamed, state: unknown) => {
        handed.push(state);
        r.restored = (state as { live: number }).live;
      },
    })
    class Renamed {
      live = 0;
      declare restored?: number;
    }
    const saved = new Renamed();
    saved.live = 4;
    const r = roundTrip(saved, { registry });
    assert.equal(handed.length, 1);
    assert.equal(Object.getPrototypeOf(handed[0]), null);
    assert.deepEqual({ ...(handed[0] as object) }, { live: 4 });
    assert.deepEqual(Object.keys(r), ['restored'], 'the stored field did not land on the instance itself');
    assert.equal(r.restored, 4);
  });
});

describe('inspect runs no user code', () => {
  it('a class\'s create hook runs on load, never on inspect', () => {
    const registry = new Registry();
    let created = 0;
    @serializable({ registry, name: 'test.values.Made', create: () => (created++, Object.create(Made.prototype) as Made) })
    class Made {
      a = 1;
    }
    const { graph } = encodeGraph(new Made(), { registry });
    const file = container(graph);
    assert.deepEqual(inspectOutcome(file, registry), { ok: true });
    assert.equal(created, 0);
    assert.ok(expectLoads(file, { registry }) instanceof Made);
    assert.equal(created, 1);
  });
});

describe('error paths inside a definition', () => {
  it('an error inside a class\'s stored state is under <state>', () => {
    expectBoth(container([Tag.CLASS_STATE, ...str('P'), 1, Tag.OBJECT, 1, ...str('a'), Tag.HOLE]), 'BAD_GRAPH', { registry: withStates(), path: '.<state>.a' });
  });

  it('a bad key after a finished field is the object\'s error, not that field\'s', () => {
    // { a: null, <STRING_REF to no string>: null }
    expectBoth(container([Tag.ARRAY, 1, Tag.OBJECT, 2, ...str('a'), Tag.NULL, Tag.STRING_REF, 9, Tag.NULL]), 'BAD_GRAPH', { path: '[0]' });
  });

  it('a section error that already names a path passes through unchanged', () => {
    const own = new CheckpointFormatError('BAD_SECTION', 'section 1 is broken', { path: '.elsewhere' });
    const graph = Uint8Array.from([Tag.ARRAY, 1, Tag.ARRAY_BUFFER_SECTION, 1]);
    assert.throws(
      () =>
        decodeGraph(graph, {
          registry: new Registry(),
          section: () => {
            throw own;
          },
        }),
      (e: unknown) => e === own,
    );
  });
});
