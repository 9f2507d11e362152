import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as flatbuffers from 'flatbuffers';
import { CheckpointFormatError, UnsupportedVersionError } from '../../src/errors.js';
import { concatChunks, crc32c, openContainer, packContainer, PREAMBLE_SIZE } from '../../src/format/index.js';
import { Header, Section } from '../../src/generated/checkpoint_generated.js';

function sample(): Uint8Array {
  const tensor = new Float32Array([1, 2, 3, 4, 5, 6]);
  return concatChunks(
    packContainer({
      graph: Uint8Array.of(0x11, 0x00),
      sections: [
        { kind: 'tensor', data: new Uint8Array(tensor.buffer), dtype: 'float32', shape: [2, 3], device: 'cpu' },
        { kind: 'bytes', data: Uint8Array.of(9, 8, 7) },
      ],
      writer: 'test',
      backend: 'cpu',
      metadata: { note: 'room for a rewritten header '.repeat(12) },
    }),
  );
}

function expectFormatError(bytes: Uint8Array, code?: string): CheckpointFormatError {
  try {
    openContainer(bytes);
  } catch (err) {
    assert.ok(err instanceof CheckpointFormatError, `expected CheckpointFormatError, got ${String(err)}`);
    if (code) assert.equal(err.code, code);
    return err;
  }
  return assert.fail(`expected ${code ?? 'a CheckpointFormatError'}`);
}

/** Rewrites the header with `edit` and fixes the header checksum, so only the lie remains. */
function withHeader(edit: (s: { offset: number; length: number; dtype: string; shape: number[]; kind: number }[]) => void, fileLength?: number): Uint8Array {
  const bytes = sample();
  const view = new DataView(bytes.buffer);
  const headerLength = view.getUint32(12, true);
  const header = Header.getRootAsHeader(new flatbuffers.ByteBuffer(bytes.subarray(PREAMBLE_SIZE, PREAMBLE_SIZE + headerLength)));
  const sections = Array.from({ length: header.sectionsLength() }, (_, i) => {
    const s = header.sections(i)!;
    return { kind: s.kind(), offset: Number(s.offset()), length: Number(s.length()), crc: s.crc32c(), dtype: s.dtype() ?? '', shape: Array.from({ length: s.shapeLength() }, (_, d) => Number(s.shape(d))), device: s.device() ?? '' };
  });
  edit(sections);
  const b = new flatbuffers.Builder(256);
  const offs = sections.map((s) => {
    const dtype = b.createString(s.dtype);
    const device = b.createString(s.device);
    const shape = Section.createShapeVector(b, s.shape.map(BigInt));
    return Section.createSection(b, s.kind, BigInt(s.offset), BigInt(s.length), s.crc, dtype, shape, device);
  });
  const vec = Header.createSectionsVector(b, offs);
  Header.finishHeaderBuffer(b, Header.createHeader(b, 1, b.createString('test'), b.createString('cpu'), vec, Header.createMetadataVector(b, [])));
  const newHeader = b.asUint8Array();
  const dataStart = sections[0]!.offset;
  assert.ok(PREAMBLE_SIZE + newHeader.length <= dataStart, 'the new header fits before the data');
  const out = new Uint8Array(fileLength ?? bytes.length);
  out.set(bytes.subarray(0, Math.min(bytes.length, out.length)));
  out.fill(0, PREAMBLE_SIZE, dataStart);
  out.set(newHeader, PREAMBLE_SIZE);
  const v = new DataView(out.buffer);
  v.setUint32(12, newHeader.length, true);
  v.setUint32(16, crc32c(newHeader), true);
  v.setBigUint64(24, BigInt(out.length), true);
  return out;
}

describe('corrupted checkpoints', () => {
  it('opens the intact sample', () => {
    const c = openContainer(sample());
    assert.deepEqual(c.header.sections[1]!.shape, [2, 3]);
    assert.deepEqual([...c.section(2)], [9, 8, 7]);
  });

  it('every truncation is a CheckpointFormatError', () => {
    const bytes = sample();
    for (let n = 0; n < bytes.length; n++) expectFormatError(bytes.subarray(0, n));
  });

  it('every single flipped bit is a CheckpointFormatError', () => {
    const bytes = sample();
    for (let i = 0; i < bytes.length; i++) {
      for (let bit = 0; bit < 8; bit++) {
        const copy = bytes.slice();
        copy[i]! ^= 1 << bit;
        expectFormatError(copy);
      }
    }
  });

  it('names the broken condition', () => {
    const bytes = sample();
    expectFormatError(new TextEncoder().encode('PK\u0003\u0004 a zip file, not a checkpoint'), 'BAD_MAGIC');
    expectFormatError(bytes.subarray(0, 20), 'TRUNCATED');
    expectFormatError(bytes.subarray(0, bytes.length - 1), 'TRUNCATED');
    const trailing = new Uint8Array(bytes.length + 3);
    trailing.set(bytes);
    expectFormatError(trailing, 'TRAILING_BYTES');
    const badCrc = bytes.slice();
    badCrc[PREAMBLE_SIZE + 5]! ^= 0xff;
    expectFormatError(badCrc, 'HEADER_CHECKSUM');
    const lyingHeaderLength = bytes.slice();
    new DataView(lyingHeaderLength.buffer).setUint32(12, 0xfffffff0, true);
    expectFormatError(lyingHeaderLength, 'BAD_HEADER');
    const badSection = bytes.slice();
    badSection[badSection.length - 1]! ^= 1;
    expectFormatError(badSection, 'SECTION_CHECKSUM');
    const version0 = bytes.slice();
    new DataView(version0.buffer).setUint32(8, 0, true);
    expectFormatError(version0, 'BAD_VERSION');
  });

  it('refuses a newer format version with UnsupportedVersionError', () => {
    const bytes = sample();
    new DataView(bytes.buffer).setUint32(8, 3, true);
    const err = expectFormatError(bytes, 'UNSUPPORTED_VERSION');
    assert.ok(err instanceof UnsupportedVersionError);
    assert.equal(err.found, 3);
  });

  it('refuses a preamble and header that disagree on the version (2, the packed-tensor version, over a version 1 header)', () => {
    const bytes = sample();
    new DataView(bytes.buffer).setUint32(8, 2, true);
    expectFormatError(bytes, 'BAD_HEADER');
  });

  it('refuses lying sections even when the header checksum is right', () => {
    expectFormatError(withHeader((s) => void (s[1]!.offset += 8)), 'BAD_SECTION'); // misaligned
    expectFormatError(withHeader((s) => void (s[2]!.offset = s[1]!.offset)), 'BAD_SECTION'); // overlapping
    expectFormatError(withHeader((s) => void (s[2]!.length = 2 ** 40)), 'BAD_SECTION'); // past the end
    expectFormatError(withHeader((s) => void (s[1]!.shape = [3, 3])), 'BAD_SECTION'); // shape vs length
    expectFormatError(withHeader((s) => void (s[1]!.shape = [2 ** 30, 2 ** 30, 2 ** 30])), 'BAD_SECTION'); // huge shape
    expectFormatError(withHeader((s) => void (s[1]!.dtype = 'float128')), 'BAD_SECTION');
    expectFormatError(withHeader((s) => void (s[0]!.kind = 2)), 'BAD_HEADER'); // no graph section first
    expectFormatError(withHeader((s) => void (s[1]!.kind = 0)), 'BAD_SECTION'); // two graphs
    expectFormatError(withHeader((s) => void (s[1]!.kind = 9)), 'BAD_HEADER'); // unknown kind
    expectFormatError(withHeader((s) => void (s[1]!.shape = new Array(40).fill(1))), 'BAD_HEADER'); // rank
  });

  it('refuses a FlatBuffers header whose offsets point outside it', () => {
    const bytes = sample();
    const view = new DataView(bytes.buffer);
    const headerLength = view.getUint32(12, true);
    const rootTable = view.getUint32(PREAMBLE_SIZE, true);
    const lies: Array<[number, number]> = [
      [0, 0x7ffffff0], // root table offset
      [rootTable, 0x7ffffff0], // root table's vtable offset
      [rootTable, -0x7ffffff0], // vtable offset the other way
    ];
    for (const [at, value] of lies) {
      const copy = bytes.slice();
      new DataView(copy.buffer).setInt32(PREAMBLE_SIZE + at, value, true);
      new DataView(copy.buffer).setUint32(16, crc32c(copy.subarray(PREAMBLE_SIZE, PREAMBLE_SIZE + headerLength)), true);
      expectFormatError(copy, 'BAD_HEADER');
    }
  });

  it('refuses non-zero padding', () => {
    const bytes = sample();
    const c = openContainer(bytes);
    const copy = bytes.slice();
    copy[c.header.sections[0]!.offset - 1] = 1;
    expectFormatError(copy, 'BAD_PADDING');
  });
});
