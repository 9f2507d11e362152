import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UnsupportedVersionError } from '../../src/errors.js';
import { checkPreamble } from '../../src/format/container.js';
import { FORMAT_VERSION, MAGIC, MAX_HEADER_SIZE, PREAMBLE_SIZE } from '../../src/format/constants.js';
import { refusal } from './refusal.js';

/**
 * Every check of the 32-byte preamble, each with the value just within its limit
 * (accepted) and just past it (refused with its code and the byte it names). The file
 * size is a number here, so a 64 MiB header length is checked without 64 MiB of bytes.
 */

interface Fields {
  version?: number;
  headerLength?: number;
  headerCrc?: number;
  reserved?: number;
  declared?: number;
}

function preamble(fields: Fields = {}): Uint8Array {
  const bytes = new Uint8Array(PREAMBLE_SIZE);
  bytes.set(MAGIC, 0);
  const view = new DataView(bytes.buffer);
  view.setUint32(8, fields.version ?? FORMAT_VERSION, true);
  view.setUint32(12, fields.headerLength ?? 100, true);
  view.setUint32(16, fields.headerCrc ?? 0, true);
  view.setUint32(20, fields.reserved ?? 0, true);
  view.setBigUint64(24, BigInt(fields.declared ?? 1000), true);
  return bytes;
}

const refused = (fn: () => unknown) => refusal(fn, 'preamble');

describe('the preamble, at its limits', () => {
  it('accepts a well-formed preamble and returns its header length and checksum', () => {
    assert.deepEqual(checkPreamble(preamble({ headerLength: 100, headerCrc: 0xfedcba98, declared: 1000 }), 1000), {
      headerLength: 100,
      headerCrc: 0xfedcba98,
      version: FORMAT_VERSION,
    });
  });

  it('fewer bytes than the magic are TRUNCATED at byte 0; a wrong byte anywhere in the magic is BAD_MAGIC at byte 0', () => {
    for (let n = 0; n < MAGIC.length; n++) {
      assert.deepEqual(refused(() => checkPreamble(MAGIC.subarray(0, n), n)), { code: 'TRUNCATED', offset: 0 });
    }
    for (let i = 0; i < MAGIC.length; i++) {
      const bytes = preamble();
      bytes[i]! ^= 0x01;
      assert.deepEqual(refused(() => checkPreamble(bytes, 1000)), { code: 'BAD_MAGIC', offset: 0 }, `magic byte ${i}`);
      // a file of exactly the magic's length, with a wrong byte, is not a truncated checkpoint
      assert.deepEqual(refused(() => checkPreamble(bytes.slice(0, MAGIC.length), MAGIC.length)), { code: 'BAD_MAGIC', offset: 0 }, `8 bytes, magic byte ${i}`);
    }
  });

  it('the magic alone, or any file shorter than the preamble, is TRUNCATED at the end of the file; a file of just the preamble is not', () => {
    for (let size = MAGIC.length; size < PREAMBLE_SIZE; size++) {
      // a copy, as a short file is: the bytes past its end do not exist to be read
      const bytes = preamble({ headerLength: 0, declared: size }).slice(0, size);
      assert.deepEqual(refused(() => checkPreamble(bytes, size)), { code: 'TRUNCATED', offset: size }, `${size} bytes`);
    }
    assert.deepEqual(checkPreamble(preamble({ headerLength: 0, declared: PREAMBLE_SIZE }), PREAMBLE_SIZE), { headerLength: 0, headerCrc: 0, version: FORMAT_VERSION });
  });

  it('version 0 is BAD_VERSION at byte 8; the current version is read; the next one is UnsupportedVersionError', () => {
    assert.deepEqual(refused(() => checkPreamble(preamble({ version: 0 }), 1000)), { code: 'BAD_VERSION', offset: 8 });
    assert.equal(checkPreamble(preamble({ version: FORMAT_VERSION }), 1000).headerLength, 100);
    assert.throws(
      () => checkPreamble(preamble({ version: FORMAT_VERSION + 1 }), 1000),
      (err: unknown) => err instanceof UnsupportedVersionError && err.code === 'UNSUPPORTED_VERSION' && err.found === FORMAT_VERSION + 1,
    );
  });

  it('any non-zero reserved byte (20..23) is BAD_HEADER at byte 20', () => {
    for (let i = 0; i < 4; i++) {
      assert.deepEqual(refused(() => checkPreamble(preamble({ reserved: 1 << (8 * i) }), 1000)), { code: 'BAD_HEADER', offset: 20 }, `byte ${20 + i}`);
    }
  });

  it('a declared length one past the file is TRUNCATED at the end of the file; one short is TRAILING_BYTES where the declared file ends', () => {
    assert.deepEqual(refused(() => checkPreamble(preamble({ declared: 1001 }), 1000)), { code: 'TRUNCATED', offset: 1000 });
    assert.deepEqual(refused(() => checkPreamble(preamble({ declared: 999 }), 1000)), { code: 'TRAILING_BYTES', offset: 999 });
    assert.equal(checkPreamble(preamble({ declared: 1000 }), 1000).headerLength, 100);
  });

  it('a header that ends exactly at the end of the file is accepted; one byte more is BAD_HEADER at byte 12', () => {
    assert.equal(checkPreamble(preamble({ headerLength: 1000 - PREAMBLE_SIZE }), 1000).headerLength, 1000 - PREAMBLE_SIZE);
    assert.deepEqual(refused(() => checkPreamble(preamble({ headerLength: 1000 - PREAMBLE_SIZE + 1 }), 1000)), { code: 'BAD_HEADER', offset: 12 });
  });

  it(`a header of MAX_HEADER_SIZE (${MAX_HEADER_SIZE}) bytes is accepted; one byte more is BAD_HEADER at byte 12 even in a file large enough`, () => {
    const size = 2 * MAX_HEADER_SIZE;
    assert.equal(checkPreamble(preamble({ headerLength: MAX_HEADER_SIZE, declared: size }), size).headerLength, MAX_HEADER_SIZE);
    assert.deepEqual(refused(() => checkPreamble(preamble({ headerLength: MAX_HEADER_SIZE + 1, declared: size }), size)), { code: 'BAD_HEADER', offset: 12 });
  });
});
