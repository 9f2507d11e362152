import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CheckpointFormatError } from '../../src/errors.js';
import * as compact from '../../src/format/header-compact.js';
import * as reference from '../../src/format/header-flatbuffers.js';
import type { HeaderInfo } from '../../src/format/header.js';
import { TENSOR_DTYPES } from '../../src/format/sections.js';

// The browser build's header codec (src/format/header-compact.ts) against the Node one,
// flatc's generated code over the `flatbuffers` runtime: same bytes out, same headers (or
// the same BAD_HEADER at the same byte) in, for generated headers and corrupted ones.

const text = fc.oneof(fc.constantFrom('', 'cpu', 'cuda:0', 'float32', 'int32'), fc.string({ maxLength: 12 }), fc.string({ unit: 'grapheme', maxLength: 6 }));
const u53 = fc.oneof(fc.nat(1 << 20), fc.maxSafeNat());
const section = fc.record({
  kind: fc.constantFrom('graph', 'bytes', 'tensor') as fc.Arbitrary<'graph' | 'bytes' | 'tensor'>,
  offset: u53,
  length: u53,
  crc32c: fc.oneof(fc.constant(0), fc.nat({ max: 0xffffffff })),
  dtype: fc.oneof(fc.constantFrom('', ...TENSOR_DTYPES), text),
  shape: fc.array(u53, { maxLength: 5 }),
  device: text,
});
const header: fc.Arbitrary<HeaderInfo> = fc.record({
  formatVersion: fc.oneof(fc.constantFrom(0, 1, 2), fc.nat({ max: 0xffffffff })),
  writer: text,
  backend: text,
  sections: fc.array(section, { maxLength: 12 }),
  metadata: fc.dictionary(fc.string({ maxLength: 8 }), text, { maxKeys: 4 }).map((m) => Object.assign(Object.create(null), m) as Record<string, string>),
});

/** The section fields the writer stores: a shape only for tensors (what both decoders give back). */
const stored = (h: HeaderInfo): HeaderInfo => ({ ...h, sections: h.sections.map((s) => ({ ...s, shape: s.kind === 'tensor' ? s.shape : [] })) });

function decoded(codec: typeof reference, bytes: Uint8Array): { ok: HeaderInfo } | { code: string; offset: number | undefined; message: string } {
  try {
    return { ok: codec.decodeHeader(bytes, 32) };
  } catch (err) {
    assert.ok(err instanceof CheckpointFormatError, `a CheckpointFormatError, not ${String(err)}`);
    return { code: err.code, offset: err.offset, message: err.message };
  }
}

describe('the compact header codec (browser build) and the generated one (Node) are the same codec', () => {
  it('encode the same header to the same bytes, and each decodes the other\'s bytes to it', () => {
    fc.assert(
      fc.property(header, (h) => {
        const bytes = compact.encodeHeader(h);
        assert.deepEqual(bytes, reference.encodeHeader(h));
        assert.deepEqual(reference.decodeHeader(bytes, 0), stored(h));
        assert.deepEqual(compact.decodeHeader(bytes, 0), stored(h));
      }),
      { numRuns: 400 },
    );
  });

  it('agree where the buffer must grow: long strings, and a header of 5,000 sections', () => {
    const long: HeaderInfo = {
      formatVersion: 2,
      writer: 'w'.repeat(3000),
      backend: 'cpu',
      sections: [{ kind: 'graph', offset: 64, length: 1, crc32c: 1, dtype: '', shape: [], device: 'd'.repeat(700) }],
      metadata: { key: 'v\u00e9'.repeat(2000) },
    };
    const many: HeaderInfo = {
      formatVersion: 1,
      writer: 'reprise',
      backend: 'cpu',
      sections: Array.from({ length: 5000 }, (_, i) => ({
        kind: i === 0 ? 'graph' : ('tensor' as const),
        offset: 64 * (i + 1),
        length: 4 * (i % 7),
        crc32c: (i * 2654435761) >>> 0,
        dtype: i === 0 ? '' : i % 3 ? 'float32' : 'int32',
        shape: i === 0 ? [] : [i % 7],
        device: i % 2 ? 'cpu' : 'cuda:0',
      })),
      metadata: { runId: 'r' },
    };
    for (const h of [long, many]) {
      const bytes = compact.encodeHeader(h);
      assert.deepEqual(bytes, reference.encodeHeader(h));
      assert.deepEqual(compact.decodeHeader(bytes, 0), reference.decodeHeader(bytes, 0));
    }
  });

  it('patch section offsets and CRCs in place to the same bytes, and refuse the same CRC patches', () => {
    fc.assert(
      fc.property(header, fc.array(u53, { minLength: 12, maxLength: 12 }), fc.array(fc.oneof(fc.constant(0), fc.nat({ max: 0xffffffff })), { minLength: 12, maxLength: 12 }), (h, offsets, crcs) => {
        const withOffsets = { ...h, sections: h.sections.map((s) => ({ ...s, offset: 64 })) };
        const a = compact.encodeHeader(withOffsets);
        const b = reference.encodeHeader(withOffsets);
        const n = h.sections.length;
        compact.patchSectionOffsets(a, offsets.slice(0, n));
        reference.patchSectionOffsets(b, offsets.slice(0, n));
        assert.deepEqual(a, b);
        assert.equal(compact.patchSectionCrcs(a, crcs.slice(0, n)), reference.patchSectionCrcs(b, crcs.slice(0, n)));
        assert.deepEqual(a, b);
      }),
      { numRuns: 200 },
    );
  });

  it('decode corrupted headers alike: the same header, or BAD_HEADER with the same message at the same byte', () => {
    fc.assert(
      fc.property(header, fc.array(fc.tuple(fc.nat(), fc.nat(255)), { minLength: 1, maxLength: 4 }), fc.nat(), (h, flips, cut) => {
        const bytes = reference.encodeHeader(h).slice();
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        const truncated = cut % 3 === 0 ? bytes.subarray(0, cut % (bytes.length + 1)) : bytes;
        assert.deepEqual(decoded(compact, truncated), decoded(reference, truncated));
      }),
      { numRuns: 2000 },
    );
  });
});

