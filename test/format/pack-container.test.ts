import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointFormatError } from '../../src/errors.js';
import { checkHeader } from '../../src/format/container.js';
import { concatChunks, crc32c, encodeHeader, FORMAT_VERSION, openContainer, packContainer, PREAMBLE_SIZE, SECTION_ALIGNMENT, type HeaderInfo } from '../../src/format/index.js';

describe('packContainer, the header it writes', () => {
  it('the graph and a bytes section given no dtype, shape or device carry "" , [] and ""; a tensor carries its own', () => {
    const packed = packContainer({
      graph: Uint8Array.of(1, 2, 3),
      sections: [
        { kind: 'bytes', data: Uint8Array.of(4, 5) },
        { kind: 'tensor', data: new Uint8Array(8), dtype: 'int32', shape: [2], device: 'cpu' },
        { kind: 'tensor', data: new Uint8Array(4), dtype: 'float32', shape: [] },
      ],
      writer: 'w',
      backend: 'cpu',
    });
    const { header } = openContainer(concatChunks(packed));
    const described = header.sections.map(({ kind, dtype, shape, device }) => ({ kind, dtype, shape, device }));
    assert.deepEqual(described, [
      { kind: 'graph', dtype: '', shape: [], device: '' },
      { kind: 'bytes', dtype: '', shape: [], device: '' },
      { kind: 'tensor', dtype: 'int32', shape: [2], device: 'cpu' },
      { kind: 'tensor', dtype: 'float32', shape: [], device: '' },
    ]);
    assert.deepEqual({ ...header.metadata }, {});
  });

  it('sections start at successive multiples of the alignment after the header, and the file ends with the last one', () => {
    const sizes = [1, SECTION_ALIGNMENT, SECTION_ALIGNMENT + 1, 0, 3];
    const packed = packContainer({
      graph: new Uint8Array(5),
      sections: sizes.map((n) => ({ kind: 'bytes' as const, data: new Uint8Array(n).fill(n) })),
      writer: 'w',
      backend: 'cpu',
    });
    const bytes = concatChunks(packed);
    const { header, section } = openContainer(bytes);
    let end = PREAMBLE_SIZE + new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
    header.sections.forEach((s, i) => {
      assert.equal(s.offset % SECTION_ALIGNMENT, 0);
      assert.ok(s.offset >= end && s.offset - end < SECTION_ALIGNMENT, `section ${i} is placed right after the previous one`);
      end = s.offset + s.length;
      if (i > 0) assert.deepEqual([...section(i)], new Array(sizes[i - 1]).fill(sizes[i - 1]));
    });
    assert.equal(packed.byteLength, end);
    assert.equal(bytes.byteLength, end);
  });
});

describe('openContainer, verifyChecksums', () => {
  it('with verifyChecksums: false a corrupted section is returned as it is; by default it is SECTION_CHECKSUM', () => {
    const bytes = concatChunks(packContainer({ graph: Uint8Array.of(1), sections: [{ kind: 'bytes', data: Uint8Array.of(7, 7) }], writer: 'w', backend: 'cpu' }));
    const at = openContainer(bytes).header.sections[1]!.offset;
    bytes[at] = 8;
    assert.deepEqual([...openContainer(bytes, { verifyChecksums: false }).section(1)], [8, 7]);
    assert.throws(() => openContainer(bytes), (err: unknown) => err instanceof CheckpointFormatError && err.code === 'SECTION_CHECKSUM' && err.offset === at);
    assert.throws(() => openContainer(bytes, { verifyChecksums: true }), (err: unknown) => err instanceof CheckpointFormatError && err.code === 'SECTION_CHECKSUM');
  });

  it('section(0) and a section past the last are BAD_SECTION', () => {
    const opened = openContainer(concatChunks(packContainer({ graph: Uint8Array.of(1), sections: [{ kind: 'bytes', data: Uint8Array.of(7) }], writer: 'w', backend: 'cpu' })));
    for (const index of [0, 2, -1]) {
      assert.throws(() => opened.section(index), (err: unknown) => err instanceof CheckpointFormatError && err.code === 'BAD_SECTION', `section(${index})`);
    }
  });
});

describe('openContainer names the byte', () => {
  const file = () => concatChunks(packContainer({ graph: Uint8Array.of(1, 2, 3), sections: [{ kind: 'bytes', data: Uint8Array.of(7) }], writer: 'w', backend: 'cpu' }));
  const failure = (bytes: Uint8Array) => {
    try {
      openContainer(bytes);
    } catch (err) {
      assert.ok(err instanceof CheckpointFormatError);
      return { code: err.code, offset: err.offset };
    }
    return assert.fail('expected a CheckpointFormatError');
  };

  it('a flipped header byte is HEADER_CHECKSUM at the start of the header', () => {
    const bytes = file();
    bytes[PREAMBLE_SIZE + 4]! ^= 0x40;
    assert.deepEqual(failure(bytes), { code: 'HEADER_CHECKSUM', offset: PREAMBLE_SIZE });
  });

  it('a non-zero padding byte is BAD_PADDING at that byte, before or after the header', () => {
    const bytes = file();
    const { header } = openContainer(bytes);
    for (const at of [header.sections[0]!.offset - 1, header.sections[1]!.offset - 1]) {
      const broken = bytes.slice();
      broken[at] = 0x20;
      assert.deepEqual(failure(broken), { code: 'BAD_PADDING', offset: at });
    }
  });

  it('a section that starts inside the header is BAD_SECTION, however the header was checksummed', () => {
    const info: HeaderInfo = {
      formatVersion: FORMAT_VERSION,
      writer: 'w'.repeat(100),
      backend: 'cpu',
      sections: [{ kind: 'graph', offset: 2 * SECTION_ALIGNMENT, length: 1, crc32c: 0, dtype: '', shape: [], device: '' }],
      metadata: {},
    };
    const header = encodeHeader(info);
    assert.ok(PREAMBLE_SIZE + header.byteLength > 2 * SECTION_ALIGNMENT, 'the header reaches past the section');
    assert.throws(
      () => checkHeader(header, crc32c(header), 10 * SECTION_ALIGNMENT),
      (err: unknown) => err instanceof CheckpointFormatError && err.code === 'BAD_SECTION' && err.offset === 2 * SECTION_ALIGNMENT,
    );
    info.sections[0]!.offset = Math.ceil((PREAMBLE_SIZE + header.byteLength) / SECTION_ALIGNMENT) * SECTION_ALIGNMENT;
    const moved = encodeHeader(info);
    assert.equal(moved.byteLength, header.byteLength);
    assert.equal(checkHeader(moved, crc32c(moved), 10 * SECTION_ALIGNMENT).sections[0]!.offset, info.sections[0]!.offset);
  });
});
