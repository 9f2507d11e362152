import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError, MigrationError, UnknownClassError, UnsupportedValueError } from '../../src/errors.js';
import { encodeGraph } from '../../src/graph/index.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
import { fromBytes, roundTrip, toBytes } from '../helpers/graph-round-trip.js';

function codeOf(fn: () => unknown): { code: string; path: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
    return { code: err.code, path: err.path };
  }
  assert.fail('expected an error');
}

describe('@serializable', () => {
  it('restores fields without calling the constructor, prototype kept', () => {
    const registry = new Registry();
    let constructed = 0;
    @serializable({ registry, name: 'test.Counter' })
    class Counter {
      count = 0;
      history: number[] = [];
      constructor() {
        constructed++;
      }
      bump() {
        this.history.push(++this.count);
      }
    }
    const c = new Counter();
    c.bump();
    c.bump();
    const out = roundTrip(c, { registry });
    assert.equal(constructed, 1);
    assert.ok(out instanceof Counter);
    assert.deepEqual({ ...out }, { count: 2, history: [1, 2] });
    out.bump();
    assert.equal(out.count, 3);
  });

  it('does not call setters on the prototype when restoring fields', () => {
    const registry = new Registry();
    let setterCalls = 0;
    @serializable({ registry, name: 'test.WithSetter' })
    class WithSetter {
      value = 1;
      set trap(_v: unknown) {
        setterCalls++;
      }
    }
    const w = new WithSetter();
    Object.defineProperty(w, 'trap', { value: 5, enumerable: true, writable: true, configurable: true });
    const out = roundTrip(w, { registry });
    assert.equal(setterCalls, 0);
    assert.equal(Object.getOwnPropertyDescriptor(out, 'trap')?.value, 5);
  });

  it('leaves excluded fields out', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.Logger', exclude: ['fd'] })
    class Logger {
      path = '/tmp/x';
      fd: number | null = 7;
    }
    const out = roundTrip(new Logger(), { registry });
    assert.equal(out.path, '/tmp/x');
    assert.equal(Object.hasOwn(out, 'fd'), false);
  });

  it('uses getState/setState hooks and create() for #private fields', () => {
    const registry = new Registry();
    @serializable<Secretive>({
      registry,
      name: 'test.Secretive',
      create: () => new Secretive(),
      getState: (o) => ({ n: o.read() }),
      setState: (o, s) => o.write(s.n),
    })
    class Secretive {
      #n = 0;
      read() {
        return this.#n;
      }
      write(n: number) {
        this.#n = n;
      }
    }
    const s = new Secretive();
    s.write(41);
    const out = roundTrip(s, { registry });
    assert.ok(out instanceof Secretive);
    assert.equal(out.read(), 41);
  });

  it('migrates an older version and refuses a newer one', () => {
    const v1 = new Registry();
    @serializable({ registry: v1, name: 'test.Point', version: 1 })
    class PointV1 {
      x = 1;
    }
    const bytes = toBytes(new PointV1(), v1);

    const v2 = new Registry();
    @serializable({ registry: v2, name: 'test.Point', version: 2, migrate: (s, from) => (from === 1 ? { ...s, y: 0 } : s) })
    class PointV2 {
      x = 0;
      y = 0;
    }
    const out = fromBytes(bytes, { registry: v2 }).value;
    assert.ok(out instanceof PointV2);
    assert.deepEqual({ ...out }, { x: 1, y: 0 });

    const noMigrate = new Registry();
    @serializable({ registry: noMigrate, name: 'test.Point', version: 2 })
    class PointNoMigrate {}
    void PointNoMigrate;
    assert.equal(codeOf(() => fromBytes(bytes, { registry: noMigrate })).code, 'NO_MIGRATION');

    const newer = toBytes(new PointV2(), v2);
    assert.throws(() => fromBytes(newer, { registry: v1 }), (e: unknown) => e instanceof MigrationError && e.code === 'VERSION_NEWER');
  });

  it('refuses an unregistered subclass of a registered class, naming the base', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.Base' })
    class Base {
      a = 1;
    }
    class Sub extends Base {
      b = 2;
    }
    const err = (() => {
      try {
        toBytes({ items: [new Sub()] }, registry);
      } catch (e) {
        return e as UnsupportedValueError;
      }
      return undefined;
    })();
    assert.ok(err instanceof UnsupportedValueError);
    assert.equal(err.code, 'UNREGISTERED_CLASS');
    assert.equal(err.path, '.items[0]');
    assert.match(err.message, /test\.Base/);
  });

  it('a registered subclass keeps its own prototype and inherited fields', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.Animal' })
    class Animal {
      legs = 4;
      speak() {
        return 'generic';
      }
    }
    @serializable({ registry, name: 'test.Bird' })
    class Bird extends Animal {
      override legs = 2;
      wings = 2;
      override speak() {
        return 'tweet';
      }
    }
    const [a, b] = roundTrip([new Animal(), new Bird()], { registry });
    assert.ok(a instanceof Animal && !(a instanceof Bird));
    assert.ok(b instanceof Bird);
    assert.equal(b.speak(), 'tweet');
    assert.deepEqual({ ...b }, { legs: 2, wings: 2 });
  });
});

describe('@constructorSerialized', () => {
  it('stores constructor arguments and calls the constructor on load', () => {
    const registry = new Registry();
    const calls: unknown[][] = [];
    @constructorSerialized({ registry, name: 'test.Dataset' })
    class Dataset {
      readonly data: number[];
      constructor(
        readonly size: number,
        readonly opts: { seed: number },
      ) {
        calls.push([size, opts]);
        this.data = Array.from({ length: size }, (_, i) => i * opts.seed);
      }
    }
    const d = new Dataset(1000, { seed: 3 });
    const bytes = toBytes(d, registry);
    assert.ok(bytes.byteLength < 400, `the file holds the arguments, not the data (${bytes.byteLength} bytes)`);
    const out = fromBytes(bytes, { registry }).value as Dataset;
    assert.ok(out instanceof Dataset);
    assert.equal(out.data[999], 999 * 3);
    assert.equal(calls.length, 2);
  });

  it('uses an explicit args function', () => {
    const registry = new Registry();
    @constructorSerialized<Range>({ registry, name: 'test.Range', args: (r) => [r.lo, r.hi] })
    class Range {
      constructor(
        readonly lo: number,
        readonly hi: number,
      ) {}
    }
    const r = Object.assign(Object.create(Range.prototype), { lo: 1, hi: 9 });
    const out = roundTrip(r, { registry });
    assert.ok(out instanceof Range);
    assert.deepEqual([out.lo, out.hi], [1, 9]);
  });

  it('refuses an instance whose arguments were never captured', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Captured' })
    class Captured {}
    const fake = Object.create(Captured.prototype);
    assert.deepEqual(codeOf(() => toBytes({ x: fake }, registry)), { code: 'NO_CONSTRUCTOR_ARGS', path: '.x' });
  });

  it('refuses, at save time, an object reachable from its own constructor arguments', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Node' })
    class Node {
      constructor(readonly holder: { node?: Node }) {
        holder.node = this;
      }
    }
    const n = new Node({});
    assert.deepEqual(codeOf(() => toBytes(n, registry)), { code: 'CONSTRUCTOR_CYCLE', path: '.<args>[0].node' });
  });

  it('keeps identity of a constructor-serialized object referenced twice', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Cfg' })
    class Cfg {
      constructor(readonly n: number) {}
    }
    const c = new Cfg(1);
    const out = roundTrip({ a: c, b: [c] }, { registry });
    assert.equal(out.a, out.b[0]);
  });

  /** Saves `{ f: new C(1) }` and loads it where the class's constructor throws `thrown`. */
  function loadWithThrowingConstructor(thrown: unknown): { code: string; path: string } {
    const save = new Registry();
    @constructorSerialized({ registry: save, name: 'test.Fragile' })
    class Fragile {
      constructor(readonly n: number) {}
    }
    const bytes = toBytes({ f: new Fragile(1) }, save);
    const load = new Registry();
    @constructorSerialized({ registry: load, name: 'test.Fragile' })
    class FragileNow {
      constructor(_n: number) {
        throw thrown;
      }
    }
    void FragileNow;
    return codeOf(() => fromBytes(bytes, { registry: load }));
  }

  it('wraps a constructor that throws in CONSTRUCTOR_FAILED with the path', () => {
    assert.deepEqual(loadWithThrowingConstructor(new Error('nope')), { code: 'CONSTRUCTOR_FAILED', path: '.f' });
  });

  it("lets a constructor's own CheckpointError through with its code and path", () => {
    assert.deepEqual(loadWithThrowingConstructor(new CheckpointError('BAD_OPTIONS', 'n out of range', { path: '.n' })), { code: 'BAD_OPTIONS', path: '.n' });
  });
});

describe('de-duplication through uniqueObjects', () => {
  function setup() {
    const registry = new Registry();
    let built = 0;
    @constructorSerialized({ registry, name: 'test.MnistLike', deduplicate: true })
    class MnistLike {
      readonly pixels: Float32Array;
      constructor(readonly opts: { train: boolean; n: number }) {
        built++;
        this.pixels = new Float32Array(opts.n);
      }
    }
    @serializable({ registry, name: 'test.Bench' })
    class Bench {
      train = new MnistLike({ train: true, n: 100 });
      test = new MnistLike({ train: false, n: 10 });
    }
    return { registry, Bench, MnistLike, built: () => built };
  }

  it('reuses the live equal object, keeping identity for every reference', () => {
    const { registry, Bench, built } = setup();
    const bench = new Bench();
    const state = { buffer: { source: bench.train, also: bench.train }, evalOn: bench.test };
    const bytes = toBytes(state, registry);
    const before = built();
    const { value, stats } = fromBytes(bytes, { registry, uniqueObjects: bench });
    const out = value as typeof state;
    assert.equal(out.buffer.source, bench.train);
    assert.equal(out.buffer.also, bench.train);
    assert.equal(out.evalOn, bench.test);
    assert.equal(built(), before, 'nothing was rebuilt');
    assert.deepEqual(stats, { reused: 2, rebuilt: 0 });
  });

  it('counts only de-duplicated classes as reused or rebuilt', () => {
    const { registry, Bench } = setup();
    @constructorSerialized({ registry, name: 'test.Plain' })
    class Plain {
      constructor(readonly n: number) {}
    }
    const bench = new Bench();
    const bytes = toBytes({ bench: bench.train, plain: [new Plain(1), new Plain(2)] }, registry);
    assert.deepEqual(fromBytes(bytes, { registry, uniqueObjects: bench }).stats, { reused: 1, rebuilt: 0 });
    assert.deepEqual(fromBytes(bytes, { registry }).stats, { reused: 0, rebuilt: 1 });
  });

  it('objects inside the stored arguments of a reused object become the live object’s own', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Subset', deduplicate: true })
    class Subset {
      constructor(readonly opts: { classes: number[]; meta: Map<string, number[]> }) {}
    }
    const classes = [3, 1];
    const live = new Subset({ classes, meta: new Map([['c', classes]]) });
    const state = { subset: live, classesOfExperience: classes, again: live.opts.meta.get('c') };
    const out = fromBytes(toBytes(state, registry), { registry, uniqueObjects: [live] }).value as typeof state;
    assert.equal(out.subset, live);
    assert.equal(out.classesOfExperience, classes, 'a reference into the arguments reaches the live array');
    assert.equal(out.again, classes);
    assert.deepEqual(toBytes(out, registry), toBytes(state, registry), 're-saving gives the same bytes');
  });

  it('rebuilds by constructor without uniqueObjects, or when no equal one is given', () => {
    const { registry, Bench, MnistLike, built } = setup();
    const bench = new Bench();
    const bytes = toBytes({ d: bench.train }, registry);
    const before = built();
    const out = fromBytes(bytes, { registry }).value as { d: InstanceType<typeof MnistLike> };
    assert.notEqual(out.d, bench.train);
    assert.equal(out.d.pixels.length, 100);
    assert.equal(built(), before + 1);
    const other = new MnistLike({ train: true, n: 99 });
    const { stats } = fromBytes(bytes, { registry, uniqueObjects: [other] });
    assert.deepEqual(stats, { reused: 0, rebuilt: 1 });
  });
});

describe('what uniqueObjects is searched through', () => {
  function setup() {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.walk.Data', deduplicate: true })
    class Data {
      constructor(readonly n: number) {}
    }
    const bytes = toBytes({ d: new Data(1) }, registry);
    const reusedFrom = (uniqueObjects: unknown) => (fromBytes(bytes, { registry, uniqueObjects }).value as { d: Data }).d;
    return { registry, Data, reusedFrom };
  }

  it('Map values and keys, and Set items, are searched', () => {
    const { Data, reusedFrom } = setup();
    const inValue = new Data(1);
    assert.equal(reusedFrom(new Map([['k', inValue]])), inValue);
    const inKey = new Data(1);
    assert.equal(reusedFrom(new Map([[inKey, 0]])), inKey);
    const inSet = new Data(1);
    assert.equal(reusedFrom(new Set([inSet])), inSet);
  });

  it('of several equal live objects, the first in uniqueObjects\' order is reused', () => {
    const { Data, reusedFrom } = setup();
    const first = new Data(1);
    const second = new Data(1);
    assert.equal(reusedFrom([first, second]), first);
    assert.equal(reusedFrom([second, first]), second);
    assert.equal(reusedFrom({ a: first, b: second }), first);
  });

  it('typed arrays, ArrayBuffers, functions and codec values are not searched: their properties are never read', () => {
    const { registry, Data, reusedFrom } = setup();
    const read: string[] = [];
    const trap = <T extends object>(o: T, name: string): T =>
      Object.defineProperty(o, 'hidden', { enumerable: true, get: () => (read.push(name), new Data(1)) });
    class Model {
      constructor(readonly d: unknown) {}
    }
    registry.registerCodec(Model, { name: 'test.walk.Model', encode: (m: Model) => m.d, decode: (d: unknown) => new Model(d) });
    const inCodec = new Data(1);
    const built = reusedFrom([trap(new Float32Array(2), 'Float32Array'), trap(new ArrayBuffer(2), 'ArrayBuffer'), trap(() => 0, 'function'), new Model(inCodec)]);
    assert.deepEqual(read, []);
    assert.notEqual(built, inCodec, 'the instance inside the codec value was not found');
    assert.ok(built instanceof Data);
  });
});

describe('functions, codecs and unsupported values', () => {
  it('stores registered functions by name', () => {
    const registry = new Registry();
    const loss = (a: number) => a * 2;
    registry.registerFunction('test.loss', loss);
    const out = roundTrip({ criterion: loss, again: loss }, { registry });
    assert.equal(out.criterion, loss);
  });

  it('refuses unregistered functions, symbols, WeakMaps and unregistered classes with their path', () => {
    const registry = new Registry();
    class Unregistered {}
    assert.deepEqual(codeOf(() => toBytes({ a: [1, { f: () => 1 }] }, registry)), { code: 'UNREGISTERED_FUNCTION', path: '.a[1].f' });
    assert.deepEqual(codeOf(() => toBytes({ s: Symbol('x') }, registry)), { code: 'UNSUPPORTED_VALUE', path: '.s' });
    assert.deepEqual(codeOf(() => toBytes(new Map([['k', new WeakMap()]]), registry)), { code: 'UNREGISTERED_CLASS', path: '.get("k")' });
    assert.deepEqual(codeOf(() => toBytes({ 'odd key': new Unregistered() }, registry)), { code: 'UNREGISTERED_CLASS', path: '["odd key"]' });
  });

  it('names an unknown class or function at load time', () => {
    const save = new Registry();
    @serializable({ registry: save, name: 'test.OnlyWhenSaving' })
    class OnlyWhenSaving {}
    const f = () => 0;
    save.registerFunction('test.onlyFn', f);
    const load = new Registry();
    const err1 = (() => { try { fromBytes(toBytes({ x: new OnlyWhenSaving() }, save), { registry: load }); } catch (e) { return e; } })();
    assert.ok(err1 instanceof UnknownClassError);
    assert.equal(err1.className, 'test.OnlyWhenSaving');
    assert.equal(err1.path, '.x');
    assert.deepEqual(codeOf(() => fromBytes(toBytes([f], save), { registry: load })), { code: 'UNKNOWN_CLASS', path: '[0]' });
  });

  it('registerCodec stores what encode returns and uses subclasses when asked', () => {
    const registry = new Registry();
    class Vec {
      constructor(readonly xs: number[]) {}
    }
    class Vec3 extends Vec {}
    registry.registerCodec(Vec, {
      name: 'test.Vec',
      subclasses: true,
      encode: (v) => v.xs,
      decode: (xs: number[]) => new Vec(xs),
    });
    const out = roundTrip({ a: new Vec([1, 2]), b: new Vec3([3]) }, { registry });
    assert.ok(out.a instanceof Vec);
    assert.deepEqual(out.b.xs, [3]);
  });

  it('wraps a failing codec in CODEC_FAILED with the path', () => {
    const registry = new Registry();
    class Box {}
    registry.registerCodec(Box, { name: 'test.Box', encode: () => { throw new Error('boom'); }, decode: () => new Box() });
    assert.deepEqual(codeOf(() => toBytes({ box: new Box() }, registry)), { code: 'CODEC_FAILED', path: '.box' });
  });

  it('saves and loads a 100,000-node linked list with no flags; maxDepth still limits when given', () => {
    let deep: any = null;
    for (let i = 0; i < 100_000; i++) deep = { next: deep };
    let n = 0;
    for (let node = roundTrip(deep); node; node = node.next) n++;
    assert.equal(n, 100_000);
    const registry = new Registry();
    const err = codeOf(() => encodeGraph(deep, { registry, maxDepth: 50_000 }));
    assert.equal(err.code, 'DEPTH_LIMIT');
    assert.ok(err.path.startsWith('.next.next'));
  });
});

describe('registration changes between save and load', () => {
  it('a class saved by fields but now constructor-serialized is KIND_CHANGED', () => {
    const save = new Registry();
    @serializable({ registry: save, name: 'test.Changed' })
    class Before {
      x = 1;
    }
    const bytes = toBytes({ v: new Before() }, save);
    const load = new Registry();
    @constructorSerialized({ registry: load, name: 'test.Changed' })
    class After {}
    void After;
    assert.deepEqual(codeOf(() => fromBytes(bytes, { registry: load })), { code: 'KIND_CHANGED', path: '.v' });
  });

  it('a migrate hook that throws is MIGRATION_FAILED; a setState that throws is SET_STATE_FAILED', () => {
    const v1 = new Registry();
    @serializable({ registry: v1, name: 'test.Hooked' })
    class HookedV1 {
      x = 1;
    }
    const bytes = toBytes({ h: new HookedV1() }, v1);
    const v2 = new Registry();
    @serializable({ registry: v2, name: 'test.Hooked', version: 2, migrate: () => { throw new Error('cannot'); } })
    class HookedV2 {}
    void HookedV2;
    assert.deepEqual(codeOf(() => fromBytes(bytes, { registry: v2 })), { code: 'MIGRATION_FAILED', path: '.h' });
    const v1b = new Registry();
    @serializable({ registry: v1b, name: 'test.Hooked', setState: () => { throw new Error('no'); } })
    class HookedSet {}
    void HookedSet;
    assert.deepEqual(codeOf(() => fromBytes(bytes, { registry: v1b })), { code: 'SET_STATE_FAILED', path: '.h' });
  });

  it("a setState that throws a CheckpointError keeps that error's code and path", () => {
    const save = new Registry();
    @serializable({ registry: save, name: 'test.Guarded' })
    class Saved {
      x = 1;
    }
    const bytes = toBytes({ g: new Saved() }, save);
    const load = new Registry();
    @serializable({ registry: load, name: 'test.Guarded', setState: () => { throw new CheckpointError('RNG_STATE_INVALID', 'refused', { path: '.inner' }); } })
    class Guarded {}
    void Guarded;
    assert.deepEqual(codeOf(() => fromBytes(bytes, { registry: load })), { code: 'RNG_STATE_INVALID', path: '.inner' });
  });

  it('migrate runs only for an older version, never for the version it is registered at', () => {
    let calls = 0;
    const registry = new Registry();
    @serializable({ registry, name: 'test.Current', migrate: (s: unknown) => (calls++, s) })
    class Current {
      x = 1;
    }
    const out = fromBytes(toBytes(new Current(), registry), { registry }).value;
    assert.deepEqual({ ...(out as object) }, { x: 1 });
    assert.equal(calls, 0);
  });
});
