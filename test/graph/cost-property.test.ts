import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { concatChunks, crc32c, openContainer, packContainer, type HeaderInfo, type SectionPayload } from '../../src/format/index.js';
import { withResealedHeader } from '../helpers/reseal-header.js';
import { Tag } from '../../src/graph/index.js';
import { inspectOutcome, loadOutcome, varint } from './stream-helpers.js';

/**
 * Property: whatever is done to a file's graph stream or header — with every checksum
 * re-sealed, so that only the lie remains — loading and inspecting it end in success or
 * a typed error, within a time linear in the file's size and a peak memory a small
 * multiple of it. Grammar-aware pieces (a huge BIGINT, a long STRING16, deep nesting,
 * many definitions of one section, lying counts) give the random files the shapes that
 * used to cost gigabytes or minutes; random byte edits on top break them anywhere.
 */
const MiB = 1 << 20;

/** A piece of the stream, as a short description (so that a counterexample prints in one line). */
type Piece = readonly [kind: string, n: number];

const piece: fc.Arbitrary<Piece> = fc.oneof(
  fc.tuple(fc.constant('bigint'), fc.nat(1 << 18)),
  fc.tuple(fc.constant('string16'), fc.nat(1 << 17)),
  fc.tuple(fc.constant('nesting'), fc.nat(1 << 15)),
  fc.tuple(fc.constant('section definitions'), fc.nat(4000)),
  fc.tuple(fc.constant('string refs'), fc.nat(4000)),
  fc.tuple(fc.constant('array count'), fc.integer({ min: 0, max: 2 ** 52 })),
  fc.tuple(fc.constant('map count'), fc.integer({ min: 0, max: 2 ** 52 })),
  fc.tuple(fc.constantFrom('ref', 'view', 'date', 'int'), fc.constant(0)),
);

function bytesOf([kind, n]: Piece): number[] {
  switch (kind) {
    case 'bigint':
      return [Tag.BIGINT, 0, ...varint(n), ...new Array(n).fill(0xa5)];
    case 'string16':
      return [Tag.STRING16, ...varint(n), ...new Array(2 * n).fill(0).map((_, i) => (i % 2 ? 0xd8 : 0))];
    case 'nesting':
      return [...new Array(n).fill(0).flatMap(() => [Tag.ARRAY, 1]), Tag.NULL];
    case 'section definitions':
      return [Tag.ARRAY, ...varint(n), ...new Array(n).fill(0).flatMap(() => [Tag.ARRAY_BUFFER_SECTION, 1])];
    case 'string refs':
      return [Tag.ARRAY, ...varint(n), ...new Array(n).fill(0).flatMap((_, i) => (i ? [Tag.STRING_REF, 0] : [Tag.STRING, 1, 0x61]))];
    case 'array count':
      return [Tag.ARRAY, ...varint(n)];
    case 'map count':
      return [Tag.MAP, ...varint(n)];
    case 'ref':
      return [Tag.REF, 0];
    case 'view':
      return [Tag.TYPED_ARRAY, 7, Tag.REF, 1, 0, 4];
    case 'date':
      return [Tag.DATE, 0, 0, 0, 0, 0, 0, 0, 0];
    default:
      return [Tag.INT, 0xff, 0xff, 0xff, 0xff, 0x0f];
  }
}

const edit = fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 }));

const headerLie = fc.record({
  section: fc.nat(2),
  field: fc.constantFrom('offset', 'length', 'kind', 'dtype', 'shape'),
  value: fc.integer({ min: -64, max: 2 ** 20 }),
});

function graphOf(pieces: Piece[], edits: [number, number][]): Uint8Array {
  const g = [Tag.ARRAY, ...varint(pieces.length), ...pieces.flatMap(bytesOf)];
  for (const [at, v] of edits) if (g.length) g[at % g.length] = v;
  return Uint8Array.from(g);
}

/** Rewrites one header field, then re-seals the header CRC and the CRCs of the (new) section ranges. */
function lie(file: Uint8Array, l: { section: number; field: string; value: number }): Uint8Array {
  let header: HeaderInfo;
  try {
    header = openContainer(file).header;
  } catch {
    return file;
  }
  const s = header.sections[l.section % header.sections.length]!;
  if (l.field === 'offset') s.offset = Math.max(0, s.offset + l.value);
  if (l.field === 'length') s.length = Math.max(0, s.length + l.value);
  if (l.field === 'kind') s.kind = (['graph', 'bytes', 'tensor'] as const)[Math.abs(l.value) % 3]!;
  if (l.field === 'dtype') [s.kind, s.dtype, s.shape] = ['tensor', ['float32', 'int32', 'bool', 'string', 'complex64'][Math.abs(l.value) % 5]!, [Math.abs(l.value)]];
  if (l.field === 'shape') s.shape = [Math.abs(l.value), Math.abs(l.value)];
  for (const sec of header.sections) sec.crc32c = sec.offset + sec.length <= file.length ? crc32c(file.subarray(sec.offset, sec.offset + sec.length)) : 0;
  return withResealedHeader(file, header) ?? file;
}

function build(pieces: Piece[], edits: [number, number][], l: { section: number; field: string; value: number } | null): Uint8Array {
  const sections: SectionPayload[] = [
    { kind: 'bytes', data: new Uint8Array(MiB / 4).fill(3) },
    { kind: 'tensor', data: new Uint8Array(16), dtype: 'float32', shape: [2, 2], device: 'cpu' },
  ];
  const file = concatChunks(packContainer({ graph: graphOf(pieces, edits), sections, writer: 'test', backend: '', metadata: { room: 'x'.repeat(200) } }));
  return l ? lie(file, l) : file;
}

describe('cost bounded by the file, for mutated files (property)', () => {
  it('typed error or success, time linear in the size, peak memory within 8 × the size + 64 MiB', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 4 }), fc.array(edit, { maxLength: 4 }), fc.option(headerLie, { nil: null }), (pieces, edits, l) => {
        const file = build(pieces, edits, l);
        const timeBound = 2000 + file.length / 1000; // ms: 1 µs a byte on top of a fixed allowance for a busy machine
        const memoryBound = 8 * file.length + 64 * MiB;
        for (const run of [() => loadOutcome(file), () => inspectOutcome(file)]) {
          const rss = process.resourceUsage().maxRSS * 1024;
          const t0 = performance.now();
          const o = run(); // fails the test for anything but success or a CheckpointError
          const ms = performance.now() - t0;
          const grew = process.resourceUsage().maxRSS * 1024 - rss;
          assert.ok(o.ok || typeof o.code === 'string');
          assert.ok(ms < timeBound, `${Math.round(ms)} ms for ${file.length} bytes (bound ${Math.round(timeBound)} ms): ${JSON.stringify(o)}`);
          assert.ok(grew < memoryBound, `peak memory rose ${(grew / MiB).toFixed(0)} MiB for ${file.length} bytes: ${JSON.stringify(o)}`);
        }
      }),
      { numRuns: 80 },
    );
  });
});
