import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointFormatError } from '../../src/errors.js';
import { decodeHeader, encodeHeader, FORMAT_VERSION, type HeaderInfo } from '../../src/format/index.js';

const HEADER: HeaderInfo = {
  formatVersion: FORMAT_VERSION,
  writer: 'reprise test',
  backend: 'wasm',
  sections: [
    { kind: 'graph', offset: 64, length: 10, crc32c: 1, dtype: '', shape: [], device: '' },
    { kind: 'tensor', offset: 128, length: 24, crc32c: 2, dtype: 'float32', shape: [2, 3], device: 'cpu' },
    { kind: 'bytes', offset: 192, length: 5, crc32c: 3, dtype: '', shape: [], device: '' },
  ],
  metadata: { a: 'b', run: 'x' },
};

test('the header decoder gives back what was encoded', () => {
  assert.deepEqual({ ...decodeHeader(encodeHeader(HEADER), 32) }, { ...HEADER, metadata: Object.assign(Object.create(null), HEADER.metadata) });
});

test('every byte of a header overwritten with 0x00, 0x7f, 0x80 or 0xff decodes or fails with BAD_HEADER, never anything else', () => {
  const good = encodeHeader(HEADER);
  for (let at = 0; at < good.length; at++) {
    for (const value of [0x00, 0x7f, 0x80, 0xff]) {
      const bytes = good.slice();
      bytes[at] = value;
      try {
        decodeHeader(bytes, 32);
      } catch (err) {
        assert.ok(err instanceof CheckpointFormatError && err.code === 'BAD_HEADER', `byte ${at} = ${value}: ${String(err)}`);
      }
    }
  }
});

test('a header string whose length runs past the end of the header is BAD_HEADER, not a read past the end', () => {
  const bytes = encodeHeader(HEADER);
  const text = Buffer.from('reprise test');
  const at = Buffer.from(bytes).indexOf(text);
  assert.ok(at > 4);
  new DataView(bytes.buffer, bytes.byteOffset).setUint32(at - 4, bytes.length, true);
  assert.throws(() => decodeHeader(bytes, 32), (err: unknown) => err instanceof CheckpointFormatError && err.code === 'BAD_HEADER' && err.offset === 32 + at - 4);
});
