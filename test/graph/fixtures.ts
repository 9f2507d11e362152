import assert from 'node:assert/strict';

export interface Fixture {
  name: string;
  value: () => unknown;
  /** Extra checks beyond deep equality: identity, prototypes. */
  validate?: (output: any, input: any) => void;
  /**
   * The expected graph stream (section 0), in hex: any change of the format shows here in
   * review. Absent for "Errors" (its stack names this file's path) and "long string"
   * (200 kB; its first bytes are pinned in round-trip.test).
   */
  graph?: string;
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
  { name: 'undefined', graph: '00', value: () => undefined },
  { name: 'null', graph: '01', value: () => null },
  { name: 'true', graph: '03', value: () => true },
  { name: 'false', graph: '02', value: () => false },
  { name: 'zero', graph: '0400', value: () => 0 },
  { name: 'negative zero', graph: '050000000000000080', value: () => -0, validate: (out) => assert.ok(Object.is(out, -0)) },
  { name: 'NaN', graph: '05000000000000f87f', value: () => NaN },
  { name: 'Infinity', graph: '05000000000000f07f', value: () => Infinity },
  { name: '-Infinity', graph: '05000000000000f0ff', value: () => -Infinity },
  { name: 'int32 extremes', graph: '100404feffffff0f04ffffffff0f05000000000000e04105000020000000e0c1', value: () => [2 ** 31 - 1, -(2 ** 31), 2 ** 31, -(2 ** 31) - 1] },
  { name: 'float', graph: '1005059a9999999999b93f052be6708b6812000005ffffffffffffef7f050100000000000000050000000000004043', value: () => [0.1, 1e-310, Number.MAX_VALUE, Number.MIN_VALUE, Number.MAX_SAFE_INTEGER + 2] },
  { name: 'bigints', graph: '10070900000900010109010101090001ff090002000109011a0000000000000000000000000000000000000000000000000001090008ffffffffffffffff', value: () => [0n, 1n, -1n, 255n, 256n, -(2n ** 200n), 2n ** 64n - 1n] },
  { name: 'empty string', graph: '0600', value: () => '' },
  { name: 'ascii string', graph: '060568656c6c6f', value: () => 'hello' },
  { name: 'unicode string', graph: '062068c3a96c6c6f2077c3b6726c6420e2809420e697a5e69cace8aa9e20f09f8e89', value: () => 'héllo wörld — 日本語 🎉' },
  { name: 'lone surrogates', graph: '1003070100d80703610000dc62000703ffdb00d87800', value: () => ['\ud800', 'a\udc00b', '\udbff\ud800x'] },
  { name: 'long string', value: () => 'x'.repeat(100_000) + 'é' },
  { name: 'repeated strings', graph: '10060601610601620800080106106c6f6e6720737472696e6720686572650802', value: () => ['a', 'b', 'a', 'b', 'long string here', 'long string here'] },
  { name: 'array', graph: '10050402060374776f010010010406', value: () => [1, 'two', null, undefined, [3]] },
  { name: 'sparse array', graph: '100604020b04060b0b040c', value: () => [1, , 3, , , 6] }, // eslint-disable-line no-sparse-arrays
  { name: 'trailing hole', graph: '100204020b', value: () => [1, ,] }, // eslint-disable-line no-sparse-arrays
  { name: 'empty array and object', graph: '100210001100', value: () => [[], {}] },
  { name: 'plain object', graph: '110406023432060b6e756d65726963206b65790601610402060162110106016310010306116e6f7420616e206964656e7469666965720404', value: () => ({ a: 1, b: { c: [true] }, 'not an identifier': 2, 42: 'numeric key' }) },
  { name: 'null-prototype object', graph: '12010601610402', value: () => Object.assign(Object.create(null), { a: 1 }) },
  {
    name: '__proto__ and constructor keys are data', graph: '110206095f5f70726f746f5f5f11010608706f6c6c7574656403060b636f6e7374727563746f721101060970726f746f747970651101080103',
    value: () => JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
    validate: (out) => {
      assert.equal(Object.getPrototypeOf(out), Object.prototype);
      assert.equal(({} as any).polluted, undefined);
      assert.deepEqual(Object.keys(out), ['__proto__', 'constructor']);
      assert.equal(Object.getOwnPropertyDescriptor(out, '__proto__')!.value.polluted, true);
    },
  },
  { name: 'Map with any keys', graph: '1305040206036f6e65060131060a737472696e67206f6e65110106016b040210010402010005000000000000f87f06036e616e', value: () => new Map<unknown, unknown>([[1, 'one'], ['1', 'string one'], [{ k: 1 }, [1]], [null, undefined], [NaN, 'nan']]) },
  { name: 'Set', graph: '140404020601611101060162040405000000000000f87f', value: () => new Set([1, 'a', { b: 2 }, NaN]) },
  { name: 'Date', graph: '10021500000000000000001500b08756febc7842', value: () => [new Date(0), new Date(1_700_000_000_123)] },
  {
    name: 'invalid Date', graph: '15000000000000f87f',
    value: () => new Date(NaN),
    noDeepEqual: true,
    validate: (out) => assert.ok(out instanceof Date && Number.isNaN(out.getTime())),
  },
  { name: 'RegExp', graph: '1003160603612b62060267691606095c757b31463338397d060175160601780603647379', value: () => [/a+b/gi, /\u{1F389}/u, new RegExp('x', 'dsy')] },
  { name: 'ArrayBuffer small', graph: '1703010203', value: () => Uint8Array.of(1, 2, 3).buffer },
  { name: 'ArrayBuffer large (own section)', graph: '1801', value: () => new Float64Array(4096).map((_, i) => i * 0.5).buffer },
  {
    name: 'every typed array', graph: '100b19001702ff02000219011701ff000119021701ff000119031702d4fe000119041702ffff00011905170400000080000119061704ffffffff0001190717080000c03f0000c07f0002190817100000000000000080000000000000f07f00021909170800000000000000800001190a1708ffffffffffffffff0001',
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
    name: 'views sharing one buffer still share it', graph: '1103060161190117200000000000000000000000000000000000000000000000000000000000000000000806016219080a0208030601641a0a02040c',
    value: sharedBufferViews,
    validate: (out) => {
      assert.equal(out.a.buffer, out.b.buffer);
      assert.equal(out.a.buffer, out.d.buffer);
      out.a[0] = 42;
      assert.equal(out.d.getUint8(0) === 42 || new Uint8Array(out.a.buffer)[0] === 42, true);
      assert.equal(out.b.byteOffset, 8);
    },
  },
  { name: 'DataView', graph: '1a1704010203040102', value: () => new DataView(Uint8Array.of(1, 2, 3, 4).buffer, 1, 2) },
  {
    name: 'Node Buffer stores only its own bytes, not its pool', graph: '2113736d616c6c20706f6f6c656420627566666572',
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
    name: 'shared references keep identity', graph: '1104060161110106016e040206016210010a01060163130106016b0a0106016414010a01',
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
    name: 'cycles load as cycles', graph: '110306046e616d650604726f6f74060473656c660a0006056368696c6411010606706172656e740a00',
    value: cyclicObject,
    validate: (out) => {
      assert.equal(out.self, out);
      assert.equal(out.child.parent, out);
    },
  },
  {
    name: 'cycles through Map, Set and arrays', graph: '10021302060473656c660a0106036172720a0014020a020a00',
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
