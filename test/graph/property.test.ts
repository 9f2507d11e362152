import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { roundTrip, toBytes } from '../helpers/graph-round-trip.js';

/** Node's deepStrictEqual calls two invalid Dates different (NaN !== NaN); the fixtures test them apart. */
function hasInvalidDate(v: unknown, seen = new Set<unknown>()): boolean {
  if (typeof v !== 'object' || v === null || seen.has(v)) return false;
  seen.add(v);
  if (v instanceof Date) return Number.isNaN(v.getTime());
  const children = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v);
  return children.some((c) => hasInvalidDate(c, seen));
}

const anything = fc
  .anything({
  withBigInt: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withSparseArray: true,
  withTypedArray: true,
  stringUnit: 'binary',
    maxDepth: 4,
  })
  .filter((v) => !hasInvalidDate(v));

/** A random graph: nodes with edges to any node (sharing and cycles), held in objects, arrays and Maps. */
const graphSpec = fc.record({
  kinds: fc.array(fc.constantFrom('object', 'array', 'map'), { minLength: 1, maxLength: 12 }),
  edges: fc.array(fc.tuple(fc.nat(), fc.nat(), fc.string({ maxLength: 3 })), { maxLength: 30 }),
});

function buildGraph(spec: { kinds: string[]; edges: [number, number, string][] }): any[] {
  const nodes: any[] = spec.kinds.map((k) => (k === 'object' ? {} : k === 'array' ? [] : new Map()));
  for (const [from, to, label] of spec.edges) {
    const a = nodes[from % nodes.length];
    const b = nodes[to % nodes.length];
    if (Array.isArray(a)) a.push(b);
    else if (a instanceof Map) a.set(label, b);
    else a[label] = b;
  }
  return nodes;
}

/** Checks that `out` has the same shape as `input`, with identity (who points at whom) preserved. */
function assertIsomorphic(input: any[], out: any[]): void {
  const indexIn = new Map(input.map((n, i) => [n, i]));
  const indexOut = new Map(out.map((n, i) => [n, i]));
  assert.equal(new Set(out).size, new Set(input).size);
  input.forEach((node, i) => {
    const targetsIn = Array.isArray(node) ? node : node instanceof Map ? [...node.entries()] : Object.entries(node);
    const o = out[i];
    const targetsOut = Array.isArray(o) ? o : o instanceof Map ? [...o.entries()] : Object.entries(o);
    assert.equal(targetsOut.length, targetsIn.length);
    targetsIn.forEach((t: any, k: number) => {
      const [keyIn, valIn] = Array.isArray(t) && !Array.isArray(node) ? t : [k, t];
      const [keyOut, valOut] = Array.isArray(targetsOut[k]) && !Array.isArray(o) ? targetsOut[k] : [k, targetsOut[k]];
      assert.equal(keyOut, keyIn);
      assert.equal(indexOut.get(valOut), indexIn.get(valIn));
    });
  });
}

describe('graph properties', () => {
  it('any value round-trips to a deeply equal value', () => {
    fc.assert(
      fc.property(anything, (value) => {
        assert.deepStrictEqual(roundTrip(value), value);
      }),
      { numRuns: 300 },
    );
  });

  it('the same value always gives the same bytes', () => {
    fc.assert(
      fc.property(anything, (value) => {
        assert.deepEqual(toBytes(value), toBytes(value));
      }),
      { numRuns: 150 },
    );
  });

  it('random graphs with sharing and cycles keep their identity structure', () => {
    fc.assert(
      fc.property(graphSpec, (spec) => {
        const nodes = buildGraph(spec);
        assertIsomorphic(nodes, roundTrip(nodes));
      }),
      { numRuns: 300 },
    );
  });
});
