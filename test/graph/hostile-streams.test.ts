import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CheckpointError, CheckpointFormatError, UnknownClassError } from '../../src/errors.js';
import { concatChunks, packContainer } from '../../src/format/index.js';
import { Tag } from '../../src/graph/index.js';
import { Registry, serializable, constructorSerialized } from '../../src/registry/index.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';
import { varint } from './stream-helpers.js';

/** A container whose checksums are right around a graph stream we wrote by hand. */
function container(graph: number[] | Uint8Array): Uint8Array {
  return concatChunks(packContainer({ graph: Uint8Array.from(graph), sections: [], writer: 'test', backend: '' }));
}

function expectCode(graph: number[], code: string, registry = new Registry()): CheckpointError {
  try {
    fromBytes(container(graph), { registry });
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `expected CheckpointError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    return err;
  }
  return assert.fail(`expected ${code}`);
}

describe('hostile graph streams', () => {
  it('refuses counts larger than the remaining bytes could hold, before allocating', () => {
    expectCode([Tag.ARRAY, ...varint(2 ** 40)], 'BAD_GRAPH');
    expectCode([Tag.MAP, ...varint(2 ** 30)], 'BAD_GRAPH');
    expectCode([Tag.OBJECT, ...varint(1000), Tag.STRING, 1, 0x61], 'BAD_GRAPH');
    expectCode([Tag.STRING, ...varint(2 ** 31)], 'BAD_GRAPH');
    expectCode([Tag.ARRAY_BUFFER, ...varint(2 ** 33)], 'BAD_GRAPH');
  });

  it('refuses references forward, out of range, or to an object under construction', () => {
    expectCode([Tag.REF, 0], 'BAD_GRAPH');
    expectCode([Tag.ARRAY, 1, Tag.REF, 5], 'BAD_GRAPH');
    expectCode([Tag.STRING_REF, 0], 'BAD_GRAPH');
    const registry = new Registry();
    @constructorSerialized({ registry, name: 'C' })
    class C {
      constructor(readonly x: unknown) {}
    }
    void C;
    // CONSTRUCTOR "C" v1, args = [REF 0] : the object refers to itself through its arguments
    expectCode([Tag.CONSTRUCTOR, Tag.STRING, 1, 0x43, 1, Tag.ARRAY, 1, Tag.REF, 0], 'CONSTRUCTOR_CYCLE', registry);
  });

  it('refuses unknown tags, stray holes, bad UTF-8, bad varints and trailing bytes', () => {
    expectCode([0xee], 'BAD_GRAPH');
    expectCode([Tag.HOLE], 'BAD_GRAPH');
    expectCode([Tag.OBJECT, 1, Tag.STRING, 1, 0x61, Tag.HOLE], 'BAD_GRAPH');
    expectCode([Tag.STRING, 2, 0xc3, 0x28], 'BAD_GRAPH');
    expectCode([Tag.INT, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 'BAD_GRAPH');
    expectCode([Tag.NULL, Tag.NULL], 'BAD_GRAPH');
    expectCode([], 'BAD_GRAPH');
    expectCode([Tag.BIGINT, 2, 0], 'BAD_GRAPH');
    expectCode([Tag.REGEXP, Tag.STRING, 1, 0x28, Tag.STRING, 0], 'BAD_GRAPH');
  });

  it('refuses typed arrays that do not fit their buffer or are misaligned', () => {
    const buffer = [Tag.ARRAY_BUFFER, 8, 0, 0, 0, 0, 0, 0, 0, 0];
    expectCode([Tag.TYPED_ARRAY, 7, ...buffer, 0, 3], 'BAD_GRAPH'); // 3 float32 in 8 bytes
    expectCode([Tag.TYPED_ARRAY, 7, ...buffer, 2, 1], 'BAD_GRAPH'); // misaligned float32
    expectCode([Tag.TYPED_ARRAY, 42, ...buffer, 0, 1], 'BAD_GRAPH'); // unknown kind
    expectCode([Tag.TYPED_ARRAY, 1, Tag.ARRAY, 0, 0, 0], 'BAD_GRAPH'); // buffer is not an ArrayBuffer
    expectCode([Tag.DATA_VIEW, ...buffer, 4, 5], 'BAD_GRAPH');
  });

  it('refuses a section reference to a missing section', () => {
    expectCode([Tag.ARRAY_BUFFER_SECTION, 3], 'BAD_SECTION');
  });

  it('reads 200,000 levels of nesting without a stack, and a truncated one is BAD_GRAPH, not a crash', () => {
    const deep = new Array(200_000).fill(0).flatMap(() => [Tag.ARRAY, 1]);
    let v = fromBytes(container([...deep, Tag.NULL])).value as unknown[];
    let depth = 0;
    for (; Array.isArray(v); v = v[0] as unknown[]) depth++;
    assert.equal(depth, 200_000);
    const err = expectCode(deep, 'BAD_GRAPH');
    assert.ok(err.path.startsWith('[0][0]'), err.path);
    assert.ok(err.path.length < 400, 'a 200,000-step path is shortened in the middle');
  });

  it('never reaches a prototype through __proto__ or constructor keys', () => {
    const key = (s: string) => [Tag.STRING, s.length, ...Buffer.from(s)];
    const out = fromBytes(container([Tag.OBJECT, 1, ...key('__proto__'), Tag.OBJECT, 1, ...key('polluted'), Tag.TRUE])).value as any;
    assert.equal(({} as any).polluted, undefined);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
    assert.equal(out.polluted, undefined);
    const registry = new Registry();
    @serializable({ registry, name: 'K' })
    class K {}
    const k = fromBytes(container([Tag.CLASS_FIELDS, ...key('K'), 1, 2, ...key('__proto__'), Tag.NULL, ...key('constructor'), Tag.INT, 2]), { registry }).value as any;
    assert.ok(k instanceof K);
    assert.equal(Object.getPrototypeOf(k), K.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(k, 'constructor')!.value, 1);
  });

  it('a random stream naming a class nobody registered is UNKNOWN_CLASS (found by the property below)', () => {
    const err = expectCode([Tag.CLASS_FIELDS, Tag.STRING, 0, 0], 'UNKNOWN_CLASS');
    assert.ok(err instanceof UnknownClassError);
  });

  it('random streams only ever give a value, a CheckpointFormatError or an UnknownClassError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          fromBytes(container(bytes));
        } catch (err) {
          assert.ok(err instanceof CheckpointFormatError || err instanceof UnknownClassError, `${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('mutated valid streams only ever give a value or a CheckpointError', () => {
    const valid = toBytes({ a: [1, 2, { b: new Map([['k', new Set([1n, 'x'])]]) }], d: new Date(5), t: Float32Array.of(1, 2) });
    const graphStart = 64 * Math.ceil((32 + new DataView(valid.buffer).getUint32(12, true)) / 64);
    const graph = valid.subarray(graphStart);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(graph.length - 1), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (edits) => {
        const g = graph.slice();
        for (const [at, v] of edits) g[at] = v;
        try {
          fromBytes(container(g));
        } catch (err) {
          assert.ok(err instanceof CheckpointError, `${String(err)}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
