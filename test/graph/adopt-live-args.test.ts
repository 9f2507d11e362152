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
});
