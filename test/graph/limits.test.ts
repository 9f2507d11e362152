import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGraph, formatPath, Tag } from '../../src/graph/index.js';
import { PATH_MAX_STEPS } from '../../src/graph/graph-path.js';
import { Registry } from '../../src/registry/index.js';
import { container, expectBoth, expectLoads, graphOffset, inspectOutcome, loadOutcome, outcome, str, varint } from './stream-helpers.js';

/** `depth` arrays, each holding the next; the innermost holds `leaf`. */
const nested = (depth: number, leaf: number[] = [Tag.NULL]): number[] => [...new Array(depth).fill(0).flatMap(() => [Tag.ARRAY, 1]), ...leaf];

/** A limit is tested as a limit: the stream just within it loads, the one just past it fails at the check itself. */
describe('limits, just within and just past', () => {
  it('maxDepth on load: N levels load, N + 1 are DEPTH_LIMIT (the depth check itself, not a stack overflow)', () => {
    for (const max of [1, 10, 3000]) {
      expectLoads(container(nested(max)), { maxDepth: max });
      const file = container(nested(max + 1));
      const past = expectBoth(file, 'DEPTH_LIMIT', { maxDepth: max });
      if (max <= PATH_MAX_STEPS) assert.equal(past.path, '[0]'.repeat(max));
      assert.equal(past.offset, graphOffset(file) + 2 * max, 'the file offset of the tag one level too deep');
    }
    // A leaf definition counts as a level too; a primitive does not.
    expectBoth(container(nested(2, [Tag.DATE, 0, 0, 0, 0, 0, 0, 0, 0])), 'DEPTH_LIMIT', { maxDepth: 2, path: '[0][0]' });
    expectLoads(container(nested(2, [Tag.INT, 2])), { maxDepth: 2 });
  });

  it('maxDepth on save: N levels save, N + 1 are DEPTH_LIMIT with the path', () => {
    let v: unknown = 1;
    for (let i = 0; i < 10; i++) v = [v];
    const registry = new Registry();
    assert.ok(encodeGraph(v, { registry, maxDepth: 10 }).graph.length > 0);
    assert.deepEqual(outcome(() => encodeGraph([v], { registry, maxDepth: 10 })), { ok: false, code: 'DEPTH_LIMIT', path: '[0]'.repeat(10), offset: undefined });
  });

  it('counts: an array of n elements needs n bytes left, Map entries and fields 2, Set items 1', () => {
    const cases: Array<[number, number, number[]]> = [
      [Tag.ARRAY, 1, new Array(6).fill(Tag.NULL)],
      [Tag.SET, 1, new Array(6).fill(Tag.NULL)],
      [Tag.MAP, 2, new Array(6).fill(Tag.NULL)],
      // Fields of 3 bytes each (a key and NULL): the count check asks for 2 a field.
      [Tag.OBJECT, 2, [Tag.STRING, 0, Tag.NULL, Tag.STRING_REF, 0, Tag.NULL]],
      [Tag.NULL_PROTO_OBJECT, 2, [Tag.STRING, 0, Tag.NULL, Tag.STRING_REF, 0, Tag.NULL]],
    ];
    for (const [tag, per, body] of cases) {
      const within = Math.floor(body.length / per);
      const atCount = (file: Uint8Array) => graphOffset(file) + 1;
      const okFile = container([tag, within, ...body]);
      const ok = loadOutcome(okFile);
      assert.deepEqual(inspectOutcome(okFile), ok);
      assert.notEqual(ok.offset, atCount(okFile), `tag ${tag}: ${within} passes the count check`);
      const pastFile = container([tag, within + 1, ...body]);
      assert.equal(expectBoth(pastFile, 'BAD_GRAPH').offset, atCount(pastFile), `tag ${tag}: ${within + 1} is refused at the count, before reading an element`);
    }
    expectLoads(container([Tag.ARRAY, 6, ...new Array(6).fill(Tag.NULL)]));
    expectLoads(container([Tag.MAP, 3, ...new Array(6).fill(Tag.NULL)]));
  });

  it('lengths: strings, STRING16, ArrayBuffer, Node Buffer and BIGINT bytes must all be in the stream', () => {
    const lengthCases: Array<[number[], number, number]> = [
      // [prefix up to the length, bytes per unit, units]
      [[Tag.STRING], 1, 3],
      [[Tag.STRING16], 2, 3],
      [[Tag.ARRAY_BUFFER], 1, 3],
      [[Tag.NODE_BUFFER], 1, 3],
      [[Tag.BIGINT, 0], 1, 3],
    ];
    for (const [prefix, unit, n] of lengthCases) {
      const payload = new Array(n * unit).fill(0x61);
      expectLoads(container([...prefix, n, ...payload]));
      expectBoth(container([...prefix, n + 1, ...payload]), 'BAD_GRAPH');
    }
  });

  it('varints: 8 bytes and 2^53 - 1 are read, a 9th byte or 2^53 are not', () => {
    const eight = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]; // 2^53 - 1 in 8 bytes
    expectBoth(container([Tag.ARRAY_BUFFER, ...eight]), 'BAD_GRAPH'); // read fine, then the length is checked
    expectLoads(container([Tag.STRING, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])); // overlong zero: accepted
    const nine = container([Tag.STRING, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00]);
    assert.equal(expectBoth(nine, 'BAD_GRAPH').offset, graphOffset(nine) + 1, 'refused at the varint, not later as trailing bytes');
    const at53 = [0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x10];
    const e1 = expectBoth(container([Tag.ARRAY_BUFFER, ...at53]), 'BAD_GRAPH');
    const e2 = expectBoth(container([Tag.ARRAY_BUFFER, ...eight]), 'BAD_GRAPH');
    assert.notEqual(e1.offset, e2.offset, '2^53 is refused at the varint; 2^53 - 1 only at the length check after it');
  });

  it('INT: the zigzag of -2^31 (0xffffffff) is read, 2^32 is not', () => {
    assert.equal(expectLoads(container([Tag.INT, ...varint(0xffffffff)])), -(2 ** 31));
    expectBoth(container([Tag.INT, ...varint(2 ** 32)]), 'BAD_GRAPH');
  });

  it('references: the last defined id is valid, the next is not', () => {
    expectLoads(container([Tag.ARRAY, 2, Tag.ARRAY, 0, Tag.REF, 1]));
    expectBoth(container([Tag.ARRAY, 2, Tag.ARRAY, 0, Tag.REF, 2]), 'BAD_GRAPH', { path: '[1]' });
    expectLoads(container([Tag.ARRAY, 2, ...str('a'), Tag.STRING_REF, 0]));
    expectBoth(container([Tag.ARRAY, 2, ...str('a'), Tag.STRING_REF, 1]), 'BAD_GRAPH', { path: '[1]' });
  });

  it('views: one that ends at its buffer end fits, one element more does not', () => {
    const buffer = [Tag.ARRAY_BUFFER, 8, 0, 0, 0, 0, 0, 0, 0, 0];
    expectLoads(container([Tag.TYPED_ARRAY, 7, ...buffer, 4, 1]));
    expectBoth(container([Tag.TYPED_ARRAY, 7, ...buffer, 4, 2]), 'BAD_GRAPH');
    expectLoads(container([Tag.DATA_VIEW, ...buffer, 3, 5]));
    expectBoth(container([Tag.DATA_VIEW, ...buffer, 3, 6]), 'BAD_GRAPH');
  });

  it('sections: the last section is found, the one after it is BAD_SECTION', () => {
    const sections = () => [1, 2].map(() => ({ kind: 'bytes' as const, data: new Uint8Array(8) }));
    expectLoads(container([Tag.ARRAY_BUFFER_SECTION, 2], sections()));
    expectBoth(container([Tag.ARRAY_BUFFER_SECTION, 3], sections()), 'BAD_SECTION');
  });

  it('paths: up to PATH_MAX_STEPS steps are printed whole, one more is shortened in the middle', () => {
    const whole = formatPath(new Array(PATH_MAX_STEPS).fill('next'));
    assert.equal(whole, '.next'.repeat(PATH_MAX_STEPS));
    const shortened = formatPath(new Array(PATH_MAX_STEPS + 1).fill('next'));
    assert.match(shortened, /^(\.next)+\.<17 more steps>(\.next)+$/);
    assert.ok(shortened.length < whole.length);
  });

  it('path keys: up to 80 characters are printed whole, one more is shortened in the middle', () => {
    const name80 = 'k'.repeat(80);
    assert.equal(formatPath([name80]), `.${name80}`);
    assert.equal(formatPath([`${name80}k`]), `["${'k'.repeat(40)}…<1 more characters>…${'k'.repeat(40)}"]`, 'an identifier of 81 characters is quoted and shortened');
    assert.equal(formatPath(['a b'.padEnd(80, 'x')]), `[${JSON.stringify('a b'.padEnd(80, 'x'))}]`);
    const long = `${'a'.repeat(40)}-${'z'.repeat(40)}`; // 81 characters
    assert.equal(formatPath([long]), `["${'a'.repeat(40)}…<1 more characters>…${'z'.repeat(40)}"]`);
    // Quotes inside the kept halves stay escaped.
    const quoted = `"${'b'.repeat(100)}"`;
    assert.equal(formatPath([quoted]), `["\\"${'b'.repeat(39)}…<22 more characters>…${'b'.repeat(39)}\\""]`);
  });

  it('Map keys in paths: primitives printed, bigints within ±10^20 too, everything else by its type', () => {
    const get = (k: unknown) => formatPath([{ mapKey: k }]);
    assert.equal(get('k'), '.get("k")');
    assert.equal(get(1.5), '.get(1.5)');
    assert.equal(get(false), '.get(false)');
    assert.equal(get(null), '.get(null)');
    assert.equal(get(undefined), '.get(undefined)');
    assert.equal(get(10n ** 20n), '.get(100000000000000000000n)');
    assert.equal(get(-(10n ** 20n)), '.get(-100000000000000000000n)');
    assert.equal(get(10n ** 20n + 1n), '.get(<bigint>)');
    assert.equal(get(-(10n ** 20n) - 1n), '.get(<bigint>)');
    assert.equal(get({}), '.get(<object>)');
    assert.equal(get(Symbol('s')), '.get(<symbol>)');
    assert.equal(get(() => 0), '.get(<function>)');
  });
});
