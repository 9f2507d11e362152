/**
 * The registry's edges that mutation testing found unpinned: re-registration, renaming,
 * exact entries before inherited codecs, codecs that do or do not cover subclasses, the
 * checks of registerCodec and registerFunction, the default registry's helpers, and
 * error messages that name what they refuse (asserted on the name, not on wording).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultRegistry, registerCodec, registerFunction, Registry, serializable } from '../../src/registry/index.js';
import { refusal } from './refusal.js';


const codec = (name: string, subclasses?: boolean) => ({ name, subclasses, encode: () => null, decode: () => ({}) });

describe('Registry edges', () => {
  it('registering the same class again under its name is allowed and changes nothing', () => {
    const registry = new Registry();
    class Same {}
    serializable({ registry, name: 'same' })(Same);
    serializable({ registry, name: 'same' })(Same);
    assert.equal(registry.byStableName('same')?.ctor, Same);
    assert.deepEqual(registry.names(), ['same']);
  });

  it('a class registered again under a new name is found only under the new one', () => {
    const registry = new Registry();
    class Renamed {}
    serializable({ registry, name: 'old.name' })(Renamed);
    serializable({ registry, name: 'new.name' })(Renamed);
    assert.equal(registry.byStableName('old.name'), undefined);
    assert.equal(registry.byStableName('new.name')?.ctor, Renamed);
    assert.equal(registry.lookup(new Renamed())?.name, 'new.name');
    assert.deepEqual(registry.names(), ['new.name']);
  });

  it('a class without an exclude list excludes nothing', () => {
    const registry = new Registry();
    class Plain {}
    serializable({ registry, name: 'plain' })(Plain);
    const entry = registry.lookup(new Plain());
    assert.ok(entry?.kind === 'fields');
    assert.equal(entry.exclude.size, 0);
  });

  it('an exact entry wins over a subclass codec of an ancestor', () => {
    const registry = new Registry();
    class Base {}
    class Derived extends Base {}
    registry.registerCodec(Base, codec('base', true));
    serializable({ registry, name: 'derived' })(Derived);
    assert.equal(registry.lookup(new Derived())?.name, 'derived');
    assert.equal(registry.lookup(new Derived())?.name, 'derived', 'and again, from the cache');
    class Leaf extends Derived {}
    assert.equal(registry.lookup(new Leaf()), undefined, 'the nearest registered ancestor decides: a fields class does not cover subclasses');
  });

  it('a codec covers subclasses only when asked', () => {
    const registry = new Registry();
    class Exact {}
    class Wide {}
    registry.registerCodec(Exact, codec('exact'));
    registry.registerCodec(Wide, codec('wide', true));
    assert.equal(registry.lookup(new (class extends Exact {})()), undefined);
    assert.equal(registry.lookup(new (class extends Wide {})())?.name, 'wide');
    assert.equal(registry.lookup(Object.create(null) as object), undefined);
  });

  it('registerCodec refuses what is not a class, naming the codec', () => {
    const registry = new Registry();
    for (const notAClass of [42, 'Widget', undefined, () => 1]) {
      const err = refusal(() => registry.registerCodec(notAClass as never, codec('my.codec')));
      assert.match(err.message, /my\.codec/);
    }
    refusal(() => registry.registerCodec(42 as never, undefined as never));
    assert.deepEqual(registry.names(), []);
  });

  it('registerFunction refuses an empty name and names what it refuses', () => {
    const registry = new Registry();
    const f = () => 1;
    assert.match(refusal(() => registry.registerFunction('', f)).message, /name/);
    assert.equal(registry.functionName(f), undefined);
    registry.registerFunction('f.one', f);
    assert.match(refusal(() => registry.registerFunction('f.one', () => 2)).message, /f\.one/);
    const err = refusal(() => registry.registerFunction('f.two', f));
    assert.match(err.message, /f\.one/);
    assert.match(err.message, /f\.two/);
    assert.match(refusal(() => registry.registerFunction('f.three', 3 as never)).message, /f\.three/);
  });

  it('class refusals name the class or say it has none', () => {
    const registry = new Registry();
    serializable({ registry, name: 'taken' })(class A {});
    assert.match(refusal(() => serializable({ registry, name: 'taken' })(class B {})).message, /"taken"/);
    assert.match(refusal(() => serializable({ registry, name: 'badversion', version: 0 })(class C {})).message, /badversion/);
    assert.match(refusal(() => serializable({ registry })(class {})).message, /name/);
  });

  it('registerCodec and registerFunction at the top level register in the default registry', () => {
    class DefaultOnly {}
    const fn = () => 'x';
    registerCodec(DefaultOnly, codec('test.registry-edges.DefaultOnly'));
    registerFunction('test.registry-edges.fn', fn);
    assert.equal(defaultRegistry.lookup(new DefaultOnly())?.name, 'test.registry-edges.DefaultOnly');
    assert.equal(defaultRegistry.functionByName('test.registry-edges.fn'), fn);
    assert.ok(defaultRegistry.names().includes('test.registry-edges.DefaultOnly'));
  });
});

describe('Registry lookups and later registrations', () => {
  it('a subclass codec registered after a lookup of a subclass applies to it (no stale cache)', () => {
    const registry = new Registry();
    class Base {}
    class Sub extends Base {}
    assert.equal(registry.lookup(new Sub()), undefined);
    registry.registerCodec(Base, codec('late.base', true));
    assert.equal(registry.lookup(new Sub())?.name, 'late.base');
  });
});
