import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { CanonicalKeys } from '../../src/graph/canonical-key.js';
import { UniqueObjectIndex } from '../../src/graph/index.js';
import { constructorSerialized, Registry, type ConstructorEntry } from '../../src/registry/index.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';

function chainRegistry() {
  const registry = new Registry();
  @constructorSerialized({ registry, name: 'test.Link', deduplicate: true })
  class Link {
    constructor(
      readonly prev: Link | null,
      readonly label: string,
    ) {}
  }
  const chain = (n: number, label = 'x'): Link[] => {
    const out: Link[] = [];
    for (let i = 0; i < n; i++) out.push(new Link(out[i - 1] ?? null, label));
    return out;
  };
  return { registry, Link, chain };
}

describe('canonical keys of nested de-duplicated objects: linear work', () => {
  it('a chain of 3,000 objects each holding the previous: keys of constant size, not O(N) each', () => {
    const { registry, chain } = chainRegistry();
    const n = 3000;
    const index = new UniqueObjectIndex(registry, chain(n));
    assert.equal(index.size, n, 'every link is its own key');
    // Each key is the name and an argument list [<key id of prev>, "x"]: a few dozen
    // characters. Encoding each link's arguments in full would produce ~N²/2 link
    // encodings (about 100 million characters here).
    assert.ok(index.keys.keyChars < 64 * n, `${index.keys.keyChars} key characters for ${n} links`);
  });

  it('equal chains built apart have equal keys; a difference deep inside gives another key', () => {
    const { registry, chain, Link } = chainRegistry();
    const keys = new CanonicalKeys(registry);
    const entry = registry.byStableName('test.Link') as ConstructorEntry;
    const a = chain(50);
    const b = chain(50);
    const c = chain(50, 'y');
    const d = chain(50);
    const e = new Link(d[48]!, 'x'); // d[49] and e: equal arguments
    assert.equal(keys.idOfObject(a[49]!, entry), keys.idOfObject(b[49]!, entry));
    assert.notEqual(keys.idOfObject(a[49]!, entry), keys.idOfObject(c[49]!, entry));
    assert.equal(keys.idOfObject(e, entry), keys.idOfObject(a[49]!, entry));
    assert.equal(keys.idOf('test.Link', [a[48], 'x']), keys.idOfObject(b[49]!, entry));
    assert.notEqual(keys.idOf('test.Link', [a[48], 'y']), keys.idOfObject(b[49]!, entry));
  });

  it('loading a saved chain with the live chain as uniqueObjects reuses every link, computing each key once', () => {
    const { registry, chain } = chainRegistry();
    const n = 2000;
    const live = chain(n);
    const bytes = toBytes({ last: live[n - 1] }, registry);
    const { value, stats } = fromBytes(bytes, { registry, uniqueObjects: live });
    assert.equal(stats.reused, n);
    assert.equal(stats.rebuilt, 0);
    assert.equal((value as { last: unknown }).last, live[n - 1]);
  });

  it('objects whose arguments lead back to one another are CONSTRUCTOR_CYCLE, as when saving', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Knot', deduplicate: true, args: (k: Knot) => [k.other] })
    class Knot {
      other: Knot | null = null;
    }
    const a = new Knot();
    const b = new Knot();
    a.other = b;
    b.other = a;
    assert.throws(() => new UniqueObjectIndex(registry, [a]), (e: unknown) => e instanceof CheckpointError && e.code === 'CONSTRUCTOR_CYCLE');
    assert.throws(() => toBytes(a, registry), (e: unknown) => e instanceof CheckpointError && e.code === 'CONSTRUCTOR_CYCLE');
  });

  it('two nested objects each wanted by two parents are keyed once each (no false cycle)', () => {
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'test.Leaf', deduplicate: true })
    class Leaf {
      constructor(readonly v: number) {}
    }
    @constructorSerialized({ registry, name: 'test.Pair', deduplicate: true })
    class Pair {
      constructor(
        readonly a: unknown,
        readonly b: unknown,
      ) {}
    }
    const l1 = new Leaf(1);
    const l2 = new Leaf(2);
    const top = new Pair(new Pair(l1, l2), new Pair(l2, l1));
    const keys = new CanonicalKeys(registry);
    const id = keys.idOfObject(top, registry.byStableName('test.Pair') as ConstructorEntry);
    assert.equal(id, keys.idOf('test.Pair', [new Pair(new Leaf(1), new Leaf(2)), new Pair(new Leaf(2), new Leaf(1))]));
  });
});
