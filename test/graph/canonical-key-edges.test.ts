/**
 * Edges of the de-duplication keys (src/graph/canonical-key.ts) that the key tests did
 * not reach: `canonicalKey`'s standalone string, arguments stored as sections (large
 * typed arrays), and a nested object pushed twice on the work list.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { CanonicalKeys } from '../../src/graph/canonical-key.js';
import { canonicalKey } from '../../src/graph/index.js';
import { constructorSerialized, Registry, type ConstructorEntry } from '../../src/registry/index.js';

function boxes() {
  const registry = new Registry();
  @constructorSerialized({ registry, name: 'test.edges.Box', deduplicate: true })
  class Box {
    constructor(readonly items: unknown[]) {}
  }
  return { registry, Box, entry: registry.byStableName('test.edges.Box') as ConstructorEntry };
}

describe('canonicalKey', () => {
  it('is equal for equal arguments and differs with any argument, nested objects included', () => {
    const { registry, Box } = boxes();
    const key = (inner: string, outer: string) => canonicalKey(registry, 'test.edges.Box', [[new Box([inner]), outer]]);
    assert.equal(key('a', 'x'), key('a', 'x'));
    assert.notEqual(key('a', 'x'), key('b', 'x'), 'a difference inside the nested object');
    assert.notEqual(key('a', 'x'), key('a', 'y'));
    assert.notEqual(canonicalKey(registry, 'test.edges.Box', [[]]), canonicalKey(registry, 'test.edges.Other', [[]]), 'the class name counts');
  });

  it('does not depend on whether equal nested de-duplicated objects are one object or several', () => {
    const { registry, Box } = boxes();
    const shared = new Box([1]);
    const key = (items: unknown[]) => canonicalKey(registry, 'test.edges.Box', [items]);
    assert.equal(key([shared, shared, 'x']), key([new Box([1]), new Box([1]), 'x']));
    assert.notEqual(key([shared, shared, 'x']), key([shared, new Box([2]), 'x']));
  });

  it('refuses a nested object whose constructor arguments are unknown, as saving it would (NO_CONSTRUCTOR_ARGS)', () => {
    const { registry, Box } = boxes();
    const unknownArgs = Object.create(Box.prototype) as object;
    assert.throws(
      () => canonicalKey(registry, 'test.edges.Box', [[unknownArgs]]),
      (e: unknown) => e instanceof CheckpointError && e.code === 'NO_CONSTRUCTOR_ARGS',
    );
  });

  it('names each nested key before the id of the whole', () => {
    const { registry, Box } = boxes();
    const key = canonicalKey(registry, 'test.edges.Box', [[new Box([1])]]);
    assert.ok(key.startsWith('test.edges.Box\u0000'), 'the first key text is the nested Box\'s');
    assert.ok(key.endsWith('\u00021'), 'the nested Box took id 0, the whole id 1');
  });
});

describe('CanonicalKeys', () => {
  it('keys arguments stored as sections by their bytes', () => {
    const { registry } = boxes();
    const keys = new CanonicalKeys(registry);
    const big = (fill: number, n = 4096) => new Float64Array(n).fill(fill);
    const id = keys.idOf('test.edges.Box', [[big(1)]]);
    assert.equal(keys.keyChars, keys.texts()[0]!.length, 'keyChars counts the key text made');
    assert.equal(keys.idOf('test.edges.Box', [[big(1)]]), id);
    assert.notEqual(keys.idOf('test.edges.Box', [[big(2)]]), id, 'other contents');
    assert.notEqual(keys.idOf('test.edges.Box', [[big(1, 4097)]]), id, 'other length');
  });

  it('a nested object wanted before and inside a sibling is keyed once, and the whole gets its own id', () => {
    const { registry, Box, entry } = boxes();
    const keys = new CanonicalKeys(registry);
    const shared = new Box(['shared']);
    const holder = new Box([shared]);
    // The work list takes `shared` and `holder`; keying `holder` pushes `shared` again.
    const id = keys.idOf('test.edges.Box', [[shared, holder]]);
    assert.equal(keys.texts().length, 3);
    assert.equal(id, 2, 'the root is keyed last');
    assert.equal(keys.idOfObject(shared, entry), 0);
    assert.equal(keys.idOfObject(holder, entry), 1);
    assert.equal(keys.idOf('test.edges.Box', [[new Box(['shared']), new Box([new Box(['shared'])])]]), id, 'an equal structure built apart');
  });
});
