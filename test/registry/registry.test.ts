import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RegistrationError } from '../../src/errors.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';

describe('Registry', () => {
  it('two registry instances do not share state', () => {
    const a = new Registry();
    const b = new Registry();
    @serializable({ registry: a, name: 'shared.Name' })
    class OnlyInA {}
    assert.equal(a.byStableName('shared.Name')?.ctor, OnlyInA);
    assert.equal(b.byStableName('shared.Name'), undefined);
    assert.equal(b.lookup(new OnlyInA()), undefined);
    const fn = () => 1;
    a.registerFunction('f', fn);
    assert.equal(b.functionName(fn), undefined);
  });

  it('refuses two different classes under one name', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'dup' })
    class First {}
    void First;
    assert.throws(
      () => {
        @serializable({ registry, name: 'dup' })
        class Second {}
        void Second;
      },
      (err: unknown) => err instanceof RegistrationError && err.code === 'REGISTRATION',
    );
  });

  it('defaults the name to the class name', () => {
    const registry = new Registry();
    @serializable({ registry })
    class Widget {}
    assert.equal(registry.lookup(new Widget())?.name, 'Widget');
  });

  it('refuses an anonymous class without a name', () => {
    const registry = new Registry();
    assert.throws(() => serializable({ registry })(class {}), RegistrationError);
    assert.throws(() => constructorSerialized({ registry })(class {}), RegistrationError);
  });

  it('refuses a version that is not a positive integer', () => {
    const registry = new Registry();
    assert.throws(() => serializable({ registry, name: 'v', version: 0 })(class V {}), RegistrationError);
    assert.throws(() => serializable({ registry, name: 'v2', version: 1.5 })(class V {}), RegistrationError);
  });

  it('refuses one function under two names and two functions under one name', () => {
    const registry = new Registry();
    const f = () => 1;
    const g = () => 2;
    registry.registerFunction('f', f);
    registry.registerFunction('f', f);
    assert.throws(() => registry.registerFunction('f', g), RegistrationError);
    assert.throws(() => registry.registerFunction('other', f), RegistrationError);
    assert.throws(() => registry.registerFunction('notfn', 3 as unknown as Function), RegistrationError);
  });

  it('in Node, importing reprise installs the full reflect-metadata API, as before its browser build had a smaller store', () => {
    const reflect = Reflect as unknown as Record<string, unknown>;
    for (const fn of ['metadata', 'getMetadata', 'defineMetadata', 'getOwnMetadataKeys', 'hasMetadata']) assert.equal(typeof reflect[fn], 'function', fn);
  });

  it('constructorSerialized keeps the class name, statics, instanceof and design:paramtypes', () => {
    const registry = new Registry();
    @constructorSerialized({ registry })
    class Config {
      static kind = 'config';
      constructor(
        readonly size: number,
        readonly label: string,
      ) {}
    }
    const c = new Config(3, 'x');
    assert.equal(Config.name, 'Config');
    assert.equal(Config.kind, 'config');
    assert.ok(c instanceof Config);
    const entry = registry.lookup(c);
    assert.equal(entry?.kind, 'constructor');
    if (entry?.kind !== 'constructor') return;
    assert.deepEqual(entry.argsOf(c), [3, 'x']);
    assert.deepEqual(entry.paramTypes, [Number, String]);
  });

  it('only the most derived decorated class records constructor arguments', () => {
    const registry = new Registry();
    @constructorSerialized({ registry })
    class Base {
      constructor(readonly a: number) {}
    }
    @constructorSerialized({ registry })
    class Derived extends Base {
      constructor(
        readonly b: string,
        a: number,
      ) {
        super(a * 2);
      }
    }
    const d = new Derived('x', 5);
    const entry = registry.lookup(d);
    assert.equal(entry?.name, 'Derived');
    assert.deepEqual(entry?.kind === 'constructor' && entry.argsOf(d), ['x', 5]);
    const base = registry.byStableName('Base');
    assert.equal(base?.kind === 'constructor' && base.argsOf(d), undefined);
  });
});
