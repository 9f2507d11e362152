/**
 * Registry.defer: codecs registered on first need (the tensor layer's model codecs, so
 * that tfjs-layers loads only when a model is met) answer every question as if they had
 * been registered at `defer` — lookups, subclass hints, names in a file, collisions and
 * overrides by later registrations — and are registered once, only when needed.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Registry, serializable, type DeferredCodecs } from '../../src/registry/index.js';
import { refusal } from './refusal.js';

const codec = (name: string) => ({ name, encode: () => null, decode: () => ({}) });

/** Deferred codecs for `Model` (name `lazy.Model`) and `Other` (`lazy.Other`), counting how often they are registered. */
function deferredModel() {
  class Model {}
  class Other {}
  const state = { registrations: 0 };
  const deferred: DeferredCodecs = {
    names: ['lazy.Model', 'lazy.Other'],
    mayHandle: (proto) => proto instanceof Model || proto === Model.prototype,
    register(registry) {
      state.registrations++;
      registry.registerCodec(Model, codec('lazy.Model'));
      registry.registerCodec(Other, codec('lazy.Other'));
    },
  };
  return { Model, Other, state, deferred };
}


describe('Registry.defer', () => {
  it('registers nothing until needed, yet lists the deferred names', () => {
    const registry = new Registry();
    const { state, deferred } = deferredModel();
    registry.defer(deferred);
    serializable({ registry, name: 'plain' })(class Plain {});
    assert.equal(registry.lookup(new (class Unrelated {})()), undefined);
    assert.equal(registry.lookup({}), undefined);
    assert.equal(registry.byStableName('nobody'), undefined);
    assert.equal(state.registrations, 0);
    assert.deepEqual(registry.names().sort(), ['lazy.Model', 'lazy.Other', 'plain']);
  });

  it('a lookup of a value they may handle registers them once and finds its entry', () => {
    const registry = new Registry();
    const { Model, state, deferred } = deferredModel();
    registry.defer(deferred);
    assert.equal(registry.lookup(new Model())?.name, 'lazy.Model');
    assert.equal(registry.lookup(new Model())?.name, 'lazy.Model');
    assert.equal(state.registrations, 1);
  });

  it('a miss cached before defer does not hide them', () => {
    const registry = new Registry();
    const { Model, state, deferred } = deferredModel();
    assert.equal(registry.lookup(new Model()), undefined);
    registry.defer(deferred);
    assert.equal(registry.lookup(new Model())?.name, 'lazy.Model');
    assert.equal(state.registrations, 1);
  });

  it('a name a file asks for registers them', () => {
    const registry = new Registry();
    const { Other, state, deferred } = deferredModel();
    registry.defer(deferred);
    assert.equal(registry.byStableName('lazy.Other')?.ctor, Other);
    assert.equal(state.registrations, 1);
    assert.equal(registry.byStableName('lazy.Model')?.name, 'lazy.Model');
    assert.equal(state.registrations, 1);
  });

  it('an unregistered subclass of theirs is told the registered ancestor, as if they were registered', () => {
    const registry = new Registry();
    const { Model, state, deferred } = deferredModel();
    registry.defer(deferred);
    class Sub extends Model {}
    assert.equal(registry.registeredAncestor(new Sub())?.name, 'lazy.Model');
    assert.equal(state.registrations, 1);
    assert.equal(registry.lookup(new Sub()), undefined, 'an exact codec does not cover subclasses');
  });

  it('another class registered later under one of their names is refused, as it would have been', () => {
    const registry = new Registry();
    const { Model, state, deferred } = deferredModel();
    registry.defer(deferred);
    refusal(() => registry.registerCodec(class Imposter {}, codec('lazy.Model')));
    assert.equal(state.registrations, 1);
    assert.equal(registry.lookup(new Model())?.name, 'lazy.Model');
  });

  it('a registration of their class made later overrides them, as it would have', () => {
    const registry = new Registry();
    const { Model, state, deferred } = deferredModel();
    registry.defer(deferred);
    registry.registerCodec(Model, codec('user.Model'));
    assert.equal(state.registrations, 1);
    assert.equal(registry.lookup(new Model())?.name, 'user.Model');
    assert.equal(registry.byStableName('lazy.Model'), undefined);
  });

  it('deferring names another class already holds is refused at once', () => {
    const registry = new Registry();
    const { state, deferred } = deferredModel();
    registry.registerCodec(class Holder {}, codec('lazy.Other'));
    refusal(() => registry.defer(deferred));
    assert.equal(state.registrations, 1);
  });
});
