/**
 * The graph stream's byte writer on its own: every write that does not fit grows the
 * buffer far enough, keeps what was written before, and reads back through ByteReader.
 * The encoder starts with 64 KiB, so whole-graph tests only grow it on large values;
 * mutation testing found the growth rule and the string fast paths' edges untested.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointFormatError } from '../../src/errors.js';
import { ByteReader } from '../../src/graph/byte-reader.js';
import { ByteWriter } from '../../src/graph/byte-writer.js';

type Write = (w: ByteWriter) => void;
type Read = (r: ByteReader) => unknown;

/**
 * Values around each size edge: fast-path string lengths (< 43 units), varint byte
 * counts, a 128-byte string (a two-byte length), multi-byte text, U+0080 (the first
 * non-ASCII unit). Strings cycle through their units so that a misplaced byte shows.
 */
const long = (n: number, units = 'abcdefghijklmnopqrstuvwxyz') => Array.from({ length: n }, (_, i) => units[i % units.length]).join('');
const CASES: Array<[string, Write, Read, unknown]> = [
  ['u8', (w) => w.u8(0xab), (r) => r.u8(), 0xab],
  ...[0, 0x7f, 0x80, 0x3fff, 0x4000, 2 ** 53 - 1].map((v): [string, Write, Read, unknown] => [`varint ${v}`, (w) => w.varint(v), (r) => r.varint(), v]),
  ['f64', (w) => w.f64(-1.5e300), (r) => r.f64(), -1.5e300],
  ...['', 'x', long(42), long(42, 'éü'), long(42, '€₤'), long(43), long(43, '€₤'), long(64, 'éü'), long(200, 'üé'), long(5000, '€₤'), 'ascii then é', 'a\u0080b'].map(
    (s): [string, Write, Read, unknown] => [`utf8 of ${s.length} units (${s.slice(-1) || 'empty'})`, (w) => w.utf8(s), (r) => r.utf8(), s],
  ),
  ...['', '\ud800 lone', long(3000, '\udfff'), long(9000, 'xyz\ud800')].map((s): [string, Write, Read, unknown] => [`utf16 of ${s.length}`, (w) => w.utf16(s), (r) => r.utf16(), s]),
];

function roundTrip(initialSize: number, before: number, write: Write, read: Read): { value: unknown; rest: number[]; end: number; pos: number } {
  const w = new ByteWriter(initialSize);
  for (let i = 0; i < before; i++) w.u8(i & 0xff);
  write(w);
  w.u8(0x5a); // a marker after the value: the value took exactly its bytes
  const bytes = w.result();
  const r = new ByteReader(bytes);
  const prefix = Array.from({ length: before }, () => r.u8());
  const value = read(r);
  const marker = r.u8();
  assert.deepEqual(prefix, Array.from({ length: before }, (_, i) => i & 0xff), 'the bytes before survive the growth');
  return { value, rest: [marker], end: bytes.length, pos: r.pos };
}

describe('ByteWriter', () => {
  for (const [name, write, read, expected] of CASES) {
    it(`${name}: grows from a 1-byte buffer and from every fill of a 256-byte one, and reads back`, () => {
      const starts: Array<[number, number]> = [[1, 0], [1, 1]];
      for (let before = 0; before <= 256; before++) starts.push([256, before]);
      for (const [initialSize, before] of starts) {
        const { value, rest, end, pos } = roundTrip(initialSize, before, write, read);
        assert.equal(value, expected, `${name} from ${initialSize} bytes after ${before}`);
        assert.deepEqual(rest, [0x5a]);
        assert.equal(pos, end, 'nothing left over');
      }
    });
  }

  it('writes short strings with a one-byte length and long ones with the shortest varint length', () => {
    const w = new ByteWriter(4);
    w.utf8(long(42, '€₤')); // 126 bytes: the one-byte fast path's largest
    assert.deepEqual([...w.result().subarray(0, 1)], [126]);
    const v = new ByteWriter(4);
    v.utf8(long(43)); // 43 bytes, with room reserved for 129: moved back behind a one-byte length
    assert.deepEqual([...v.result().subarray(0, 2)], [43, 0x61]);
    assert.equal(v.result().length, 44);
    const x = new ByteWriter(4);
    x.utf8(long(50, 'éü')); // 100 bytes
    assert.equal(x.result().length, 101);
    const y = new ByteWriter(4);
    y.utf8(long(100, 'éü')); // 200 bytes: a two-byte length
    assert.deepEqual([...y.result().subarray(0, 2)], [200 & 0x7f | 0x80, 1]);
    assert.equal(y.result().length, 202);
  });

  it('bytes copies the array in and result() views exactly what was written', () => {
    const w = new ByteWriter(2);
    w.bytes(Uint8Array.of(1, 2, 3, 4, 5));
    w.bytes(new Uint8Array(0));
    w.bytes(Uint8Array.of(6));
    assert.deepEqual([...w.result()], [1, 2, 3, 4, 5, 6]);
    assert.equal(w.pos, 6);
  });
});

describe('ByteReader on its own', () => {
  it('a bare reader refuses with BAD_GRAPH at the file offset and an empty path', () => {
    const bad = (offset: number) => (e: unknown) => e instanceof CheckpointFormatError && e.code === 'BAD_GRAPH' && e.offset === offset && e.path === '';
    assert.throws(() => new ByteReader(new Uint8Array(0)).u8(), bad(0));
    assert.throws(() => new ByteReader(new Uint8Array(0), 100).u8(), bad(100));
    const r = new ByteReader(Uint8Array.of(0x80, 0x80), 7, () => '.x');
    assert.throws(() => r.varint(), (e: unknown) => e instanceof CheckpointFormatError && e.offset === 9 && e.path === '.x');
  });
});
