/**
 * A reused live object's stored arguments stand for its own (adoptLiveArgs): later
 * references into them reach the live objects through every container kind — typed
 * arrays and their buffers, Map keys and values, Set members — not only plain arrays.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { constructorSerialized, Registry } from '../../src/registry/index.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';

describe('references into a reused object\'s arguments', () => {
  it('reach the live typed array and buffer, Map keys and values, and Set members', () => {
    const registry = new Registry();
    interface Args {
      ids: Float32Array;
      byKey: Map<{ k: number }, { v: number }>;
      tags: Set<{ tag: string }>;
    }
    @constructorSerialized({ registry, name: 'test.adopt.Dataset', deduplicate: true })
    class Dataset {
      constructor(readonly args: Args) {}
    }
    const key = { k: 1 };
    const val = { v: 2 };
    const tag = { tag: 't' };
    const ids = Float32Array.of(1, 2, 3);
    const live = new Dataset({ ids, byKey: new Map([[key, val]]), tags: new Set([tag]) });
    const state = { data: live, ids, buffer: ids.buffer, key, val, tag };
    const { value, stats } = fromBytes(toBytes(state, registry), { registry, uniqueObjects: [live] });
    const out = value as typeof state;
    assert.deepEqual(stats, { reused: 1, rebuilt: 0 });
    assert.equal(out.data, live);
    assert.equal(out.ids, ids, 'the typed array');
    assert.equal(out.buffer, ids.buffer, 'its buffer');
    assert.equal(out.key, key, 'a Map key');
    assert.equal(out.val, val, 'a Map value');
    assert.equal(out.tag, tag, 'a Set member');
  });

  it('reach the live argument list itself when it is an array the object keeps', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.adopt.Pair', deduplicate: true, args: (p: Pair) => p.items })
    class Pair {
      readonly items: unknown[];
      constructor(...items: unknown[]) {
        this.items = items;
      }
    }
    const live = new Pair('a', 'b');
    const out = fromBytes(toBytes({ pair: live, items: live.items }, registry), { registry, uniqueObjects: [live] }).value as { pair: Pair; items: unknown[] };
    assert.equal(out.pair, live);
    assert.equal(out.items, live.items);
  });

  it('leave alone the objects the file defined before the reused object', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.adopt.Box', deduplicate: true })
    class Box {
      constructor(readonly list: number[]) {}
    }
    const list = [1, 2];
    const live = new Box([1, 2]); // equal arguments, another array
    const out = fromBytes(toBytes({ first: list, box: new Box(list), later: list }, registry), { registry, uniqueObjects: [live] }).value as {
      first: number[];
      box: Box;
      later: number[];
    };
    assert.equal(out.box, live);
    assert.notEqual(out.first, live.list);
    assert.equal(out.later, out.first, 'the earlier object keeps its identity');
  });
});
