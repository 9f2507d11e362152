import assert from 'node:assert/strict';
import { crc32c as nativeCrc32c } from '@node-rs/crc32';
import { describe, it } from 'node:test';
import { crc32c, CRC32C_IMPLEMENTATION } from '../../src/format/checksum.js';
import { crc32cJs } from '../../src/format/crc32c-js.js';

function randomBytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = s & 0xff;
  }
  return out;
}

describe('CRC-32C in JavaScript (browsers, workers)', () => {
  it('is the standard CRC-32C: check value of "123456789" is 0xE3069283', () => {
    assert.equal(crc32cJs(new TextEncoder().encode('123456789')), 0xe3069283);
  });

  it('equals the native one on random data of every length 0..300 and at odd offsets', () => {
    const big = randomBytes(4096, 7);
    for (let n = 0; n <= 300; n++) {
      const view = big.subarray(n % 13, (n % 13) + n);
      assert.equal(crc32cJs(view), nativeCrc32c(Buffer.from(view.buffer, view.byteOffset, view.byteLength)) >>> 0, `length ${n}`);
    }
    const large = randomBytes(1 << 20, 99);
    assert.equal(crc32cJs(large), nativeCrc32c(Buffer.from(large.buffer)) >>> 0);
  });

  it('continues from an initial CRC as the native one does (sections checked chunk by chunk)', () => {
    const data = randomBytes(10_000, 3);
    for (const cut of [0, 1, 7, 8, 9, 4096, 9999, 10_000]) {
      const first = crc32cJs(data.subarray(0, cut));
      assert.equal(crc32cJs(data.subarray(cut), first), crc32cJs(data), `cut at ${cut}`);
      const nativeFirst = nativeCrc32c(Buffer.from(data.buffer, 0, cut)) >>> 0;
      assert.equal(first, nativeFirst);
      assert.equal(crc32cJs(data.subarray(cut), first), nativeCrc32c(Buffer.from(data.buffer, cut), nativeFirst) >>> 0);
    }
  });

  it('Node keeps the native implementation', () => {
    assert.equal(CRC32C_IMPLEMENTATION, 'native');
    const data = randomBytes(1000, 5);
    assert.equal(crc32c(data), crc32cJs(data));
  });
});
