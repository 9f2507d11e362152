/**
 * A value the loading process cannot rebuild is named by its path wherever it sits: a
 * Map's key or value (past the first entry), a Set member, an Error's cause, a
 * constructor's stored arguments. The decoder keeps that path implicit in its stack
 * (decoder-frame's stepAt); mutation testing found every kind but arrays and fields unpinned.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError, UnknownClassError } from '../../src/errors.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
import { encodeGraph, inspectGraph, Tag } from '../../src/graph/index.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';
import { inspectOutcome, loadOutcome } from './stream-helpers.js';

function registries() {
  const saving = new Registry();
  const loading = new Registry();
  @serializable({ registry: saving, name: 'test.paths.Missing' })
  class Missing {}
  for (const registry of [saving, loading]) {
    @constructorSerialized({ registry, name: 'test.paths.Holder' })
    class Holder {
      constructor(readonly inner: unknown) {}
    }
    void Holder;
  }
  class Wrapped {
    constructor(readonly inner: unknown) {}
  }
  for (const registry of [saving, loading]) {
    registry.registerCodec(Wrapped, { name: 'test.paths.Wrapped', encode: (w) => [w.inner], decode: (a: unknown[]) => new Wrapped(a[0]) });
  }
  const Holder = saving.byStableName('test.paths.Holder')!.ctor as new (inner: unknown) => object;
  return { saving, loading, Missing, Holder, Wrapped };
}

const { saving, loading, Missing, Holder, Wrapped } = registries();

function pathOf(value: unknown): string {
  const bytes = toBytes(value, saving);
  try {
    fromBytes(bytes, { registry: loading });
  } catch (e) {
    assert.ok(e instanceof UnknownClassError, String(e));
    assert.equal(e.code, 'UNKNOWN_CLASS');
    return e.path!;
  }
  assert.fail('the load succeeded');
}

describe('the path of an object the loading process does not know', () => {
  it('in a Map: the key of the second entry, the value of the second entry', () => {
    assert.equal(pathOf({ m: new Map<unknown, unknown>([['a', 1], [new Missing(), 2]]) }), '.m.keys()[1]');
    assert.equal(pathOf({ m: new Map<unknown, unknown>([['a', 1], ['b', new Missing()]]) }), '.m.get("b")');
    assert.equal(pathOf({ m: new Map<unknown, unknown>([['a', 1], [7, [new Missing()]]]) }), '.m.get(7)[0]');
  });

  it('in a Set, an Error\'s cause, a constructor\'s arguments and what a codec stored', () => {
    assert.equal(pathOf({ s: new Set([1, 2, new Missing()]) }), '.s.values()[2]');
    assert.equal(pathOf({ e: new Error('x', { cause: new Missing() }) }), '.e.cause');
    assert.equal(pathOf({ h: new Holder(new Missing()) }), '.h.<args>[0]');
    assert.equal(pathOf({ c: new Wrapped(new Missing()) }), '.c.<test.paths.Wrapped>[0]');
  });
});

describe('a codec that fails to decode', () => {
  it('is CODEC_FAILED at its path, with the codec\'s error as cause', () => {
    const registry = new Registry();
    class Fragile {}
    const boom = new Error('cannot decode');
    registry.registerCodec(Fragile, { name: 'test.paths.Fragile', encode: () => 1, decode: () => { throw boom; } });
    const bytes = toBytes({ list: [0, new Fragile()] }, registry);
    assert.throws(
      () => fromBytes(bytes, { registry }),
      (e: unknown) => e instanceof CheckpointError && e.code === 'CODEC_FAILED' && e.path === '.list[1]' && e.cause === boom,
    );
  });

  it('lets a CheckpointError it throws through as it is', () => {
    const registry = new Registry();
    class Strict {}
    const own = new CheckpointError('BAD_GRAPH', 'the codec found its data invalid');
    registry.registerCodec(Strict, { name: 'test.paths.Strict', encode: () => 1, decode: () => { throw own; } });
    assert.throws(() => fromBytes(toBytes({ s: new Strict() }, registry), { registry }), (e: unknown) => e === own);
  });

  it("is CODEC_FAILED at the same path when inspect/verify runs the codec's check", () => {
    const registry = new Registry();
    class Fussy {}
    const boom = new Error('cannot check');
    registry.registerCodec(Fussy, { name: 'test.paths.Fussy', encode: () => [1], decode: () => { throw boom; }, check: () => { throw boom; } });
    const file = toBytes({ list: [0, new Fussy()] }, registry);
    assert.deepEqual(inspectOutcome(file, registry), { ok: false, code: 'CODEC_FAILED', path: '.list[1]', offset: undefined });
    assert.deepEqual(inspectOutcome(file, registry), loadOutcome(file, registry));
  });
});

describe('inspectGraph', () => {
  it('counts object definitions by kind, references and strings apart', () => {
    const registry = new Registry();
    const f = (x: number) => x;
    registry.registerFunction('test.paths.f', f);
    const shared = { s: 'x' };
    const value = [
      shared,
      shared,
      Object.create(null) as object,
      new Map([[1, 2]]),
      new Set([1]),
      new Date(0),
      /a/g,
      new ArrayBuffer(2),
      new ArrayBuffer(8192),
      new Float32Array(2),
      new DataView(new ArrayBuffer(4)),
      new Error('e'),
      f,
      Buffer.from('ab'),
    ];
    const { graph, sections } = encodeGraph(value, { registry });
    const section = (i: number) => ({ kind: sections[i - 1]!.kind, data: sections[i - 1]!.data as Uint8Array, dtype: '', shape: [], device: '' });
    const summary = inspectGraph(graph, { section });
    assert.deepEqual(summary.objects, {
      Array: 1,
      Object: 1,
      'Object(null)': 1,
      Map: 1,
      Set: 1,
      Date: 1,
      RegExp: 1,
      ArrayBuffer: 4,
      TypedArray: 1,
      DataView: 1,
      Error: 1,
      Function: 1,
      Buffer: 1,
    });
    assert.equal(summary.references, 1);
    assert.deepEqual(summary.classes, {});
    assert.deepEqual(summary.functions, ['test.paths.f']);
    assert.deepEqual(summary.sectionRefs, [1], 'the 8 KiB ArrayBuffer is section 1; the 2-byte one is inline');
  });

  it('counts strings as defined: a STRING_REF is not a new string', () => {
    // [ARRAY 3: "a", STRING_REF 0, "b"]
    const graph = Uint8Array.from([Tag.ARRAY, 3, Tag.STRING, 1, 0x61, Tag.STRING_REF, 0, Tag.STRING, 1, 0x62]);
    const summary = inspectGraph(graph, { section: () => assert.fail('no sections') });
    assert.equal(summary.strings, 2);
    assert.deepEqual(summary.objects, { Array: 1 });
  });

  it('counts only the kinds it names: a class, constructor or codec definition adds no object kind (its arguments do)', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.paths.Fields' })
    class Fields {
      a = 1;
    }
    @constructorSerialized({ registry, name: 'test.paths.Built' })
    class Built {
      constructor(readonly n: number) {}
    }
    class Boxed {
      constructor(readonly v: number) {}
    }
    registry.registerCodec(Boxed, { name: 'test.paths.Boxed', encode: (b: Boxed) => b.v, decode: (v: unknown) => new Boxed(v as number) });
    const { graph } = encodeGraph({ f: new Fields(), b: new Built(2), c: new Boxed(3) }, { registry });
    const summary = inspectGraph(graph, { section: () => assert.fail('no sections') });
    assert.deepEqual(summary.objects, { Object: 1, Array: 1 }, 'the root and the constructor\'s arguments');
    assert.deepEqual(summary.sectionRefs, []);
    assert.deepEqual(summary.functions, []);
  });

  it('counts each class name with its stored version', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.paths.Counted', version: 2, migrate: (s: unknown) => s })
    class Counted {}
    const { graph } = encodeGraph([new Counted(), [new Counted()]], { registry });
    const section = () => assert.fail('no sections');
    assert.deepEqual(inspectGraph(graph, { section }).classes, { 'test.paths.Counted@2': 2 });
  });
});

describe('fields classes across versions', () => {
  function pair(savedVersion: number, loadedVersion: number, migrate?: (s: unknown) => unknown) {
    const saving = new Registry();
    const loading = new Registry();
    @serializable({ registry: saving, name: 'test.paths.Versioned', version: savedVersion, migrate: (s: unknown) => s })
    class Saved {
      a = 1;
    }
    @serializable({ registry: loading, name: 'test.paths.Versioned', version: loadedVersion, ...(migrate ? { migrate } : {}) })
    class Loaded {
      a = 0;
    }
    void Loaded;
    return () => fromBytes(toBytes({ list: [new Saved()] }, saving), { registry: loading }).value as { list: Array<{ a: number }> };
  }
  const at = (code: string) => (e: unknown) => e instanceof CheckpointError && e.code === code && e.path === '.list[0]';

  it('a newer version is VERSION_NEWER, an older one without migrate NO_MIGRATION, at the object\'s path', () => {
    assert.throws(pair(3, 2), at('VERSION_NEWER'));
    assert.throws(pair(1, 2), at('NO_MIGRATION'));
  });

  it('a migrate that returns no object is BAD_GRAPH at the path; a good one gives plain writable fields', () => {
    assert.throws(pair(1, 2, () => 5), at('BAD_GRAPH'));
    assert.throws(pair(1, 2, () => null), at('BAD_GRAPH'));
    const out = pair(1, 2, (s) => ({ ...(s as object), a: 7 }))();
    assert.deepEqual(Object.getOwnPropertyDescriptor(out.list[0], 'a'), { value: 7, writable: true, enumerable: true, configurable: true });
  });
});
