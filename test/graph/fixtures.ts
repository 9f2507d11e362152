import assert from 'node:assert/strict';

export interface Fixture {
  name: string;
  value: () => unknown;
  /** Extra checks beyond deep equality: identity, prototypes. */
  validate?: (output: any, input: any) => void;
  /** Skip deep equality (for values deepStrictEqual cannot compare). */
  noDeepEqual?: boolean;
}

function sharedBufferViews() {
  const buf = new ArrayBuffer(32);
  return { a: new Uint8Array(buf, 0, 8), b: new Float64Array(buf, 8, 3), d: new DataView(buf, 4, 12) };
}

function cyclicObject() {
  const o: any = { name: 'root' };
  o.self = o;
  o.child = { parent: o };
  return o;
}

export const ROUND_TRIP_FIXTURES: Fixture[] = [
  { name: 'undefined', value: () => undefined },
  { name: 'null', value: () => null },
  { name: 'true', value: () => true },
  { name: 'false', value: () => false },
  { name: 'zero', value: () => 0 },
  { name: 'negative zero', value: () => -0, validate: (out) => assert.ok(Object.is(out, -0)) },
  { name: 'NaN', value: () => NaN },
  { name: 'Infinity', value: () => Infinity },
  { name: '-Infinity', value: () => -Infinity },
  { name: 'int32 extremes', value: () => [2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1] },
  { name: 'float', value: () => [0.1, 1e-310, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2] },
  { name: 'bigints', value: () => [0n, 1n, -1n, 255n, 256n, -(2n ** 200n), 2n ** 64n - 1n] },
  { name: 'empty string', value: () => '' },
  { name: 'ascii string', value: () => 'hello' },
  { name: 'unicode string', value: () => 'héllo wörld — 日本語 🎉' },
  { name: 'lone surrogates', value: () => ['\ud800', 'a\udc00b', '\udbff\ud800x'] },
  { name: 'long string', value: () => 'x'.repeat(100_000) + 'é' },
  { name: 'repeated strings', value: () => ['a', 'b', 'a', 'b', 'long string here', 'long string here'] },
  { name: 'array', value: () => [1, 'two', null, undefined, [3]] },
  { name: 'sparse array', value: () => [1, , 3, , , 6] }, // eslint-disable-line no-sparse-arrays
  { name: 'trailing hole', value: () => [1, ,] }, // eslint-disable-line no-sparse-arrays
  { name: 'empty array and object', value: () => [[], {}] },
  { name: 'plain object', value: () => ({ a: 1, b: { c: [true] }, 'not an identifier': 2, 42: 'numeric key' }) },
  { name: 'null-prototype object', value: () => Object.assign(Object.create(null), { a: 1 }) },
  {
    name: '__proto__ and constructor keys are data',
    value: () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    validate: (out) => {
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.equal(({} as any).polluted, undefined);
      assert.deepEqual(Object.keys(out), ['__proto__', 'constructor']);
      assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')!.value.polluted, true);
    },
  },
  { name: 'Map with any keys', value: () => new Map<unknown, unknown>([[1, 'one'], ['1', 'string one'], [{ k: 1 }, [1]], [null, undefined], [NaN, 'nan']]) },
  { name: 'Set', value: () => new Set([1, 'a', { b: 2 }, NaN]) },
  { name: 'Date', value: () => [new Date(0), new Date(1_700_000_000_123)] },
  {
    name: 'invalid Date',
    value: () => new Date(NaN),
    noDeepEqual: true,
    validate: (out) => assert.ok(out instanceof Date && Number.isNaN(out.getTime())),
  },
  { name: 'RegExp', value: () => [/a+b/gi, /\u{1F389}/u, new RegExp('x', 'dsy')] },
  { name: 'ArrayBuffer small', value: () => Uint8Array.of(1, 2, 3).buffer },
  { name: 'ArrayBuffer large (own section)', value: () => new Float64Array(4096).map((_, i) => i * 0.5).buffer },
  {
    name: 'every typed array',
    value: () => [
      Int8Array.of(-1, 2),
      Uint8Array.of(255),
      Uint8ClampedArray.of(300),
      Int16Array.of(-300),
      Uint16Array.of(65535),
      Int32Array.of(-(2 ** 31)),
      Uint32Array.of(2 ** 32 - 1),
      Float32Array.of(1.5, NaN),
      Float64Array.of(-0, Infinity),
      BigInt64Array.of(-(2n ** 63n)),
      BigUint64Array.of(2n ** 64n - 1n),
    ],
  },
  {
    name: 'views sharing one buffer still share it',
    value: sharedBufferViews,
    validate: (out) => {
      assert.equal(out.a.buffer, out.b.buffer);
      assert.equal(out.a.buffer, out.d.buffer);
      out.a[0] = 42;
      assert.equal(out.d.getUint8(0) === 42 || new Uint8Array(out.a.buffer)[0] === 42, true);
      assert.equal(out.b.byteOffset, 8);
    },
  },
  { name: 'DataView', value: () => new DataView(Uint8Array.of(1, 2, 3, 4).buffer, 1, 2) },
  {
    name: 'Node Buffer stores only its own bytes, not its pool',
    value: () => Buffer.from('small pooled buffer'),
    validate: (out, input) => {
      assert.ok(Buffer.isBuffer(out));
      assert.ok(input.buffer.byteLength > 1000, 'the input really sits in a shared pool');
      assert.equal(out.buffer.byteLength, out.byteLength);
    },
  },
  {
    name: 'Errors',
    value: () => {
      const e = new TypeError('bad type', { cause: new Error('root') });
      const r = new RangeError('out of range');
      const custom = new Error('custom');
      custom.name = 'MyError';
      return [e, r, custom];
    },
    noDeepEqual: true,
    validate: (out, input) => {
      assert.ok(out[0] instanceof TypeError);
      assert.equal(out[0].message, 'bad type');
      assert.equal(out[0].stack, input[0].stack);
      assert.equal((out[0].cause as Error).message, 'root');
      assert.ok(out[1] instanceof RangeError);
      assert.equal(out[2].name, 'MyError');
    },
  },
  {
    name: 'shared references keep identity',
    value: () => {
      const shared = { n: 1 };
      return { a: shared, b: [shared], c: new Map([['k', shared]]), d: new Set([shared]) };
    },
    validate: (out) => {
      assert.equal(out.a, out.b[0]);
      assert.equal(out.a, out.c.get('k'));
      assert.equal(out.a, [...out.d][0]);
    },
  },
  {
    name: 'cycles load as cycles',
    value: cyclicObject,
    validate: (out) => {
      assert.equal(out.self, out);
      assert.equal(out.child.parent, out);
    },
  },
  {
    name: 'cycles through Map, Set and arrays',
    value: () => {
      const m = new Map<string, unknown>();
      const s = new Set<unknown>();
      const a: any[] = [m, s];
      m.set('self', m).set('arr', a);
      s.add(s).add(a);
      return a;
    },
    validate: (out) => {
      assert.equal(out[0].get('self'), out[0]);
      assert.equal(out[0].get('arr'), out);
      assert.ok(out[1].has(out[1]));
    },
  },
];
