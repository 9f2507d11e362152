import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as flatbuffers from 'flatbuffers';
import { FORMAT_VERSION, MAX_RANK, SECTION_ALIGNMENT } from '../../src/format/index.js';
import { decodeHeader, encodeHeader, validateSections, type HeaderInfo, type SectionInfo } from '../../src/format/header.js';
import { Header, Section } from '../../src/generated/checkpoint_generated.js';
import { refusal } from './refusal.js';

/**
 * Every check `validateSections` and `decodeHeader` make of a section, each with a
 * header just within the limit (accepted) and one just past it (refused with its code
 * and the byte it names).
 */

const A = SECTION_ALIGNMENT;
const DATA_START = A;

function section(kind: SectionInfo['kind'], offset: number, length: number, extra: Partial<SectionInfo> = {}): SectionInfo {
  return { kind, offset, length, crc32c: 0, dtype: '', shape: [], device: '', ...extra };
}

function tensor(offset: number, length: number, dtype: string, shape: number[]): SectionInfo {
  return section('tensor', offset, length, { dtype, shape, device: 'cpu' });
}

function header(sections: SectionInfo[], formatVersion = FORMAT_VERSION): HeaderInfo {
  return { formatVersion, writer: 'test', backend: 'cpu', sections, metadata: {} };
}

const GRAPH = section('graph', DATA_START, 10);

const refused = (fn: () => unknown) => refusal(fn, 'header');

const validate = (sections: SectionInfo[], fileLength = 100 * A) => () => validateSections(header(sections), DATA_START, fileLength, A);

describe('sections, at their limits', () => {
  it('a header of another format version is BAD_HEADER', () => {
    assert.equal(refused(() => validateSections(header([GRAPH], FORMAT_VERSION + 1), DATA_START, 100 * A, A)).code, 'BAD_HEADER');
    assert.equal(refused(() => validateSections(header([GRAPH], 0), DATA_START, 100 * A, A)).code, 'BAD_HEADER');
  });

  it('no sections, or a first section that is not the graph, is BAD_HEADER', () => {
    assert.equal(refused(validate([])).code, 'BAD_HEADER');
    assert.equal(refused(validate([section('bytes', DATA_START, 10)])).code, 'BAD_HEADER');
  });

  it('a second graph section is BAD_SECTION at its offset', () => {
    assert.deepEqual(refused(validate([GRAPH, section('graph', 2 * A, 10)])), { code: 'BAD_SECTION', offset: 2 * A });
  });

  it('a section one byte off the alignment is BAD_SECTION at its offset', () => {
    assert.deepEqual(refused(validate([GRAPH, section('bytes', 2 * A + 1, 10)])), { code: 'BAD_SECTION', offset: 2 * A + 1 });
  });

  it('the graph may start where the header ends, not before', () => {
    validate([GRAPH])();
    assert.deepEqual(refused(() => validateSections(header([section('graph', 0, 10)]), DATA_START, 100 * A, A)), { code: 'BAD_SECTION', offset: 0 });
  });

  it('a section may start exactly where the previous one ends; one that starts inside it is BAD_SECTION at its offset', () => {
    validate([section('graph', DATA_START, A), section('bytes', 2 * A, A), section('bytes', 3 * A, 1)])();
    assert.deepEqual(refused(validate([section('graph', DATA_START, A + 1), section('bytes', 2 * A, 1)])), { code: 'BAD_SECTION', offset: 2 * A });
    // also when the overlap is with a section before the previous one's end, not only its start
    assert.deepEqual(refused(validate([section('graph', DATA_START, 3 * A), section('bytes', 3 * A, 1)])), { code: 'BAD_SECTION', offset: 3 * A });
  });

  it('a section may end exactly at the end of the file; one byte further is BAD_SECTION at its offset', () => {
    validate([GRAPH, section('bytes', 2 * A, 30)], 2 * A + 30)();
    assert.deepEqual(refused(validate([GRAPH, section('bytes', 2 * A, 31)], 2 * A + 30)), { code: 'BAD_SECTION', offset: 2 * A });
  });

  it("a tensor's length must be its elements times its dtype's size, exactly", () => {
    const cases: Array<[string, number[], number]> = [
      ['float32', [2, 3], 24],
      ['int32', [5], 20],
      ['bool', [3], 3],
      ['complex64', [2], 16],
      ['float32', [], 4], // a scalar has one element
      ['float32', [0, 7], 0],
    ];
    for (const [dtype, shape, length] of cases) {
      validate([GRAPH, tensor(2 * A, length, dtype, shape)])();
      for (const wrong of [length - 1, length + 1].filter((n) => n >= 0)) {
        assert.deepEqual(refused(validate([GRAPH, tensor(2 * A, wrong, dtype, shape)])), { code: 'BAD_SECTION', offset: 2 * A }, `${dtype} [${shape}] of ${wrong} bytes`);
      }
    }
  });

  it('a shape whose element count is not a safe integer is BAD_SECTION, even when its wrapped product matches the length', () => {
    assert.deepEqual(refused(validate([GRAPH, tensor(2 * A, 0, 'float32', [2 ** 30, 2 ** 30, 2 ** 30])])), { code: 'BAD_SECTION', offset: 2 * A });
  });

  it('a string tensor has no fixed size to check; an unknown dtype is BAD_SECTION at its offset', () => {
    validate([GRAPH, tensor(2 * A, 17, 'string', [3])])();
    assert.deepEqual(refused(validate([GRAPH, tensor(2 * A, 16, 'float64', [2])])), { code: 'BAD_SECTION', offset: 2 * A });
  });

  it('a bytes section is not checked as a tensor', () => {
    validate([GRAPH, section('bytes', 2 * A, 5, { dtype: 'float64', shape: [7] })])();
  });
});

describe('the header decoder, at its limits', () => {
  const BASE = 32;
  const decode = (sections: SectionInfo[]) => decodeHeader(encodeHeader(header(sections)), BASE);

  it(`a tensor of rank ${MAX_RANK} is decoded; rank ${MAX_RANK + 1} is BAD_HEADER at the header's start`, () => {
    assert.equal(decode([GRAPH, tensor(2 * A, 4, 'float32', new Array(MAX_RANK).fill(1))]).sections[1]!.shape.length, MAX_RANK);
    assert.deepEqual(refused(() => decode([GRAPH, tensor(2 * A, 4, 'float32', new Array(MAX_RANK + 1).fill(1))])), { code: 'BAD_HEADER', offset: BASE });
  });

  it('dimensions, offsets and lengths up to 2^53 - 1 are decoded; 2^53 and negative ones are BAD_HEADER at the header\'s start', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const s = decode([GRAPH, tensor(max, max, 'float32', [0, max])]).sections[1]!;
    assert.deepEqual([s.offset, s.length, s.shape], [max, max, [0, max]]);
    for (const lie of [tensor(2 * A, 4, 'float32', [2 ** 53]), tensor(2 * A, 4, 'float32', [-1]), tensor(2 ** 53, 4, 'float32', [1]), tensor(2 * A, 2 ** 53, 'float32', [1])]) {
      assert.deepEqual(refused(() => decode([GRAPH, lie])), { code: 'BAD_HEADER', offset: BASE });
    }
  });

  it("an unknown section kind is BAD_HEADER at the header's start", () => {
    const b = new flatbuffers.Builder(256);
    const sections = [0, 9].map((kind) => Section.createSection(b, kind, BigInt(2 * A), 1n, 0, 0, 0, 0));
    const vector = Header.createSectionsVector(b, sections);
    Header.finishHeaderBuffer(b, Header.createHeader(b, FORMAT_VERSION, b.createString('w'), b.createString('cpu'), vector, Header.createMetadataVector(b, [])));
    assert.deepEqual(refused(() => decodeHeader(b.asUint8Array(), BASE)), { code: 'BAD_HEADER', offset: BASE });
  });

  it('checksums with the top bit set are decoded as unsigned', () => {
    const s = decode([section('graph', DATA_START, 10, { crc32c: 0xfedcba98 })]).sections[0]!;
    assert.equal(s.crc32c, 0xfedcba98);
  });
});
