import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as flatbuffers from 'flatbuffers';
import { CheckpointFormatError } from '../../src/errors.js';
import { decodeHeader, encodeHeader, FORMAT_VERSION, type HeaderInfo } from '../../src/format/index.js';
import { Header, KeyValue, Section } from '../../src/generated/checkpoint_generated.js';

const BASE = 32;

function info(metadata: Record<string, string> = {}): HeaderInfo {
  return {
    formatVersion: FORMAT_VERSION,
    writer: 'w',
    backend: 'cpu',
    sections: [
      { kind: 'graph', offset: 64, length: 10, crc32c: 1, dtype: '', shape: [], device: '' },
      { kind: 'tensor', offset: 128, length: 24, crc32c: 2, dtype: 'float32', shape: [2, 3], device: 'cpu:0' },
    ],
    metadata,
  };
}

function badHeaderAt(bytes: Uint8Array): number | undefined {
  try {
    decodeHeader(bytes, BASE);
  } catch (err) {
    assert.ok(err instanceof CheckpointFormatError && err.code === 'BAD_HEADER', `expected BAD_HEADER, got ${String(err)}`);
    return err.offset;
  }
  return assert.fail('expected BAD_HEADER');
}

/** Sets the u32 length prefix of the string `text` (found in `bytes`) to `length`; returns where the prefix is. */
function lieAboutLength(bytes: Uint8Array, text: string, length: number): number {
  const at = Buffer.from(bytes).indexOf(Buffer.from(text)) - 4;
  assert.ok(at >= 0, `"${text}" is in the header`);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, length, true);
  return at;
}

describe('the header encoder', () => {
  it('gives the same bytes whatever order the metadata keys were added in', () => {
    assert.deepEqual(encodeHeader(info({ b: '1', a: '2', c: '3' })), encodeHeader(info({ c: '3', a: '2', b: '1' })));
  });
});

describe('the header decoder verifies the sections and metadata the header points to, not only the header table', () => {
  it("a section's dtype or device string running past the end is BAD_HEADER at its length", () => {
    for (const text of ['float32', 'cpu:0']) {
      const bytes = encodeHeader(info());
      const at = lieAboutLength(bytes, text, bytes.length);
      assert.equal(badHeaderAt(bytes), BASE + at, text);
    }
  });

  it("a section's shape vector running past the end is BAD_HEADER", () => {
    const bytes = encodeHeader(info());
    // the shape [2, 3] is stored as a length 2 followed by two little-endian int64s
    const shape = Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0]);
    const at = Buffer.from(bytes).indexOf(shape);
    assert.ok(at >= 0);
    new DataView(bytes.buffer, bytes.byteOffset).setUint32(at, 1000, true);
    assert.equal(badHeaderAt(bytes), BASE + at);
  });

  it('a metadata key or value running past the end is BAD_HEADER at its length', () => {
    for (const text of ['the-key', 'the-value']) {
      const bytes = encodeHeader(info({ 'the-key': 'the-value' }));
      const at = lieAboutLength(bytes, text, bytes.length);
      assert.equal(badHeaderAt(bytes), BASE + at, text);
    }
  });

  it('a metadata entry without its key (required by the schema) is BAD_HEADER; one without a value reads as ""', () => {
    const build = (withKey: boolean) => {
      const b = new flatbuffers.Builder(256);
      const key = b.createString('k');
      const value = b.createString('v');
      KeyValue.startKeyValue(b);
      if (withKey) KeyValue.addKey(b, key);
      else KeyValue.addValue(b, value);
      const kv = withKey ? KeyValue.endKeyValue(b) : b.endObject(); // endKeyValue itself refuses a missing key
      const sections = Header.createSectionsVector(b, [Section.createSection(b, 0, 64n, 1n, 0, 0, 0, 0)]);
      Header.finishHeaderBuffer(b, Header.createHeader(b, FORMAT_VERSION, b.createString('w'), b.createString('cpu'), sections, Header.createMetadataVector(b, [kv])));
      return b.asUint8Array();
    };
    badHeaderAt(build(false));
    assert.deepEqual({ ...decodeHeader(build(true), BASE).metadata }, { k: '' });
  });
});

describe('the header decoder, absent optional fields', () => {
  it('a header without writer, backend or metadata reads them as "", "" and {}', () => {
    const b = new flatbuffers.Builder(128);
    const sections = Header.createSectionsVector(b, [Section.createSection(b, 0, 64n, 1n, 0, 0, 0, 0)]);
    Header.startHeader(b);
    Header.addFormatVersion(b, FORMAT_VERSION);
    Header.addSections(b, sections);
    Header.finishHeaderBuffer(b, Header.endHeader(b));
    const decoded = decodeHeader(b.asUint8Array(), BASE);
    assert.deepEqual([decoded.writer, decoded.backend, { ...decoded.metadata }], ['', '', {}]);
    assert.deepEqual(decoded.sections.map((s) => [s.kind, s.dtype, s.device, s.shape]), [['graph', '', '', []]]);
  });
});
