import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { encodeGraph } from '../../src/graph/index.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
import { roundTrip } from '../helpers/graph-round-trip.js';

function saveError(value: unknown, registry = new Registry()): CheckpointError {
  try {
    encodeGraph(value, { registry });
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
    return err;
  }
  return assert.fail('expected the save to fail');
}

describe('errors on save carry the graph path and the original error', () => {
  it('a getter that throws is GETTER_FAILED at its property, with the error as cause', () => {
    const boom = new Error('not ready');
    const value = { model: { layers: [{ get weights(): never { throw boom; } }] } };
    const err = saveError(value);
    assert.equal(err.code, 'GETTER_FAILED');
    assert.equal(err.path, '.model.layers[0].weights');
    assert.equal(err.cause, boom);
  });

  it('a Proxy whose ownKeys trap throws is GETTER_FAILED at the object', () => {
    const boom = new TypeError('revoked');
    const value = { a: [new Proxy({}, { ownKeys: () => { throw boom; } })] };
    const err = saveError(value);
    assert.deepEqual([err.code, err.path, err.cause], ['GETTER_FAILED', '.a[0]', boom]);
  });

  it('a getState that throws is GET_STATE_FAILED at the instance', () => {
    const registry = new Registry();
    const boom = new RangeError('closed');
    @serializable({ registry, name: 'test.Stateful', getState: () => { throw boom; } })
    class Stateful {}
    const err = saveError({ plugins: [1, new Stateful()] }, registry);
    assert.deepEqual([err.code, err.path, err.cause], ['GET_STATE_FAILED', '.plugins[1]', boom]);
  });

  it('a value inside what getState returned is found under <state>', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.StateHolder', getState: () => ({ ok: 1, bad: Symbol('x') }), setState: () => {} })
    class StateHolder {}
    const err = saveError({ s: [new StateHolder()] }, registry);
    assert.deepEqual([err.code, err.path], ['UNSUPPORTED_VALUE', '.s[0].<state>.bad']);
  });

  it('an args function that throws is ARGS_FAILED at the instance', () => {
    const registry = new Registry();
    const boom = new Error('no args');
    @constructorSerialized({ registry, name: 'test.Args', args: () => { throw boom; } })
    class Args {}
    const err = saveError(new Map([['k', new Args()]]), registry);
    assert.deepEqual([err.code, err.path, err.cause], ['ARGS_FAILED', '.get("k")', boom]);
  });

  it('the path of a value after its siblings names only that value, in every kind of container', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Pair' })
    class Pair {
      constructor(
        readonly a: unknown,
        readonly b: unknown,
      ) {}
    }
    const bad = Symbol('bad');
    const cases: [unknown, string][] = [
      [{ a: { x: 1 }, b: [1, { y: 2 }], c: bad }, '.c'],
      [[{ x: 1 }, [2], bad], '[2]'],
      [new Map<unknown, unknown>([['k', { x: 1 }], ['j', bad]]), '.get("j")'],
      [new Map<unknown, unknown>([['k', { x: 1 }], [bad, 1]]), '.keys()[1]'],
      [new Set([{ x: 1 }, [2], bad]), '.values()[2]'],
      [new Pair({ x: 1 }, bad), '.<args>[1]'],
      [{ e: new Error('failed', { cause: bad }) }, '.e.cause'],
      [{ a: [{ b: 1, c: new Map([['k', 1]]) }], d: { e: new Set([1]), f: bad } }, '.d.f'],
    ];
    for (const [value, path] of cases) assert.deepEqual([saveError(value, registry).code, saveError(value, registry).path], ['UNSUPPORTED_VALUE', path]);
  });

  it('a CheckpointError thrown by a getter passes through unchanged', () => {
    const inner = new CheckpointError('DISPOSED_TENSOR', 'gone', { path: '.x' });
    const err = saveError({ get x(): never { throw inner; } });
    assert.equal(err, inner);
  });

  it('drops what structuredClone drops: symbol keys and non-enumerable properties (documented)', () => {
    const value: Record<string | symbol, unknown> = { kept: 1, [Symbol('dropped')]: 2 };
    Object.defineProperty(value, 'hidden', { value: 3, enumerable: false });
    const out = roundTrip(value);
    assert.deepEqual(Reflect.ownKeys(out), ['kept']);
  });
});
