import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  concatChunks,
  crc32c,
  openContainer,
  packContainer,
  packContainerAsync,
  writeAtomicallyWith,
  writeContainer,
  type ContainerInput,
  type DeferredBytes,
  type PositionalSink,
  type SectionPayload,
} from '../../src/format/index.js';

/** Deferred bytes over `bytes` that log when they are read and whether they were released. */
function deferred(bytes: Uint8Array, log: string[] = [], name = 'd'): DeferredBytes & { released: boolean } {
  const d = {
    byteLength: bytes.byteLength,
    released: false,
    read: async () => {
      log.push(`read ${name}`);
      return bytes;
    },
    readSync: () => bytes,
    release: () => void (d.released = true),
  };
  return d;
}

/** A sink over a growing buffer; each write waits for `gate()` before it lands. */
function memorySink(log: string[] = [], gate: () => Promise<void> = async () => {}): PositionalSink & { bytes: () => Uint8Array; writes: Uint8Array[][] } {
  let buf = new Uint8Array(0);
  let length = 0;
  const writes: Uint8Array[][] = [];
  const ensure = (n: number) => {
    if (n > buf.byteLength) {
      const next = new Uint8Array(Math.max(n, 2 * buf.byteLength));
      next.set(buf);
      buf = next;
    }
    length = Math.max(length, n);
  };
  return {
    writes,
    async write(chunks, position) {
      writes.push([...chunks]);
      log.push(`write@${position}`);
      await gate();
      for (const c of chunks) {
        ensure(position + c.byteLength);
        buf.set(c, position);
        position += c.byteLength;
      }
      log.push('written');
    },
    async truncate(n) {
      ensure(n);
      length = n;
    },
    bytes: () => buf.slice(0, length),
  };
}

const tensor = (n: number, fill: number): SectionPayload => ({ kind: 'tensor', dtype: 'float32', shape: [n], device: 'cpu', data: new Uint8Array(4 * n).fill(fill) });

function sample(): ContainerInput {
  return {
    graph: Uint8Array.of(1, 2, 3, 4, 5),
    sections: [tensor(100, 7), { kind: 'bytes', data: new Uint8Array(0) }, tensor(1, 9), { kind: 'bytes', data: new Uint8Array(130).fill(1) }],
    writer: 'test',
    backend: 'cpu',
    metadata: { k: 'v' },
  };
}

/**
 * `length` bytes starting with `prefix` whose CRC-32C is 0: the CRC of a fixed-length
 * message is affine in its bits, so the last 32 bits are solved for over GF(2).
 */
function bytesWithZeroCrc(length: number): Uint8Array {
  const base = new Uint8Array(length).fill(0x5a);
  base.fill(0, length - 4);
  const c0 = crc32c(base);
  const columns: number[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const m = base.slice();
    m[length - 4 + (bit >> 3)]! ^= 1 << (bit & 7);
    columns.push((crc32c(m) ^ c0) >>> 0);
  }
  // Solve XOR of chosen columns == c0 by elimination, tracking which bits make each row.
  const rows = columns.map((v, i) => ({ v, bits: 2 ** i }));
  const pivots: Array<{ v: number; bits: number }> = [];
  for (let b = 31; b >= 0; b--) {
    const i = rows.findIndex((r) => (r.v >>> b) & 1);
    if (i < 0) continue;
    const [p] = rows.splice(i, 1);
    for (const r of [...rows, ...pivots]) if ((r.v >>> b) & 1) {
      r.v = (r.v ^ p!.v) >>> 0;
      r.bits ^= p!.bits;
    }
    pivots.push(p!);
  }
  let choose = 0;
  for (const p of pivots) if ((c0 >>> (31 - Math.clz32(p.v))) & 1) choose ^= p.bits;
  const out = base.slice();
  for (let bit = 0; bit < 32; bit++) if ((choose >>> bit) & 1) out[length - 4 + (bit >> 3)]! ^= 1 << (bit & 7);
  return out;
}

describe('writeContainer', () => {
  it('writes the bytes packContainer lays out, deferred sections read as they are reached', async () => {
    const input = sample();
    const expected = concatChunks(packContainer(input));
    const lazy = { ...input, sections: input.sections.map((s) => ({ ...s, data: deferred(s.data as Uint8Array) })) };
    const sink = memorySink();
    const length = await writeContainer(lazy, sink);
    assert.equal(length, expected.byteLength);
    assert.deepEqual(sink.bytes(), expected);
    assert.deepEqual(concatChunks(await packContainerAsync(lazy)), expected);
    assert.deepEqual(concatChunks(packContainer(lazy)), expected);
    openContainer(sink.bytes());
  });

  it("writes each section straight from the caller's bytes (no concatenation) and the header last", async () => {
    const input = sample();
    const sink = memorySink();
    await writeContainer(input, sink);
    const big = input.sections[0]!.data;
    assert.ok(sink.writes.some((w) => w.includes(big as Uint8Array)), 'the section itself is handed to the sink');
    assert.equal(sink.writes.at(-1)!.length, 2, 'preamble and header go last');
    assert.ok(sink.writes.slice(0, -1).every((w) => w.every((c) => c.byteLength <= 400)), 'no chunk larger than a section');
  });

  it('reads and checksums the next sections while the previous ones are being written', async () => {
    const log: string[] = [];
    let open!: () => void;
    let gate = new Promise<void>((r) => (open = r));
    const input = { ...sample(), sections: [tensor(300_000, 7), ...sample().sections] }; // 1.2 MB: a write of its own
    const lazy = { ...input, sections: input.sections.map((s, i) => ({ ...s, data: deferred(s.data as Uint8Array, log, String(i + 1)) })) };
    const sink = memorySink(log, () => gate);
    const writing = writeContainer(lazy, sink);
    for (let turn = 0; turn < 50 && !log.includes('read 2'); turn++) await new Promise((r) => setImmediate(r));
    open();
    await writing;
    assert.deepEqual(new Uint8Array(sink.bytes()), concatChunks(packContainer(input)));
    const first = log.indexOf('written');
    assert.ok(log.findIndex((e) => e.startsWith('write@')) < log.indexOf('read 2'), `the large section went out before section 2 was read: ${log.join(', ')}`);
    assert.ok(log.indexOf('read 2') < first, `section 2 was read before the first write landed: ${log.join(', ')}`);
    gate = Promise.resolve();
  });

  it('a section whose CRC-32C is 0 still gives packContainer\'s bytes (the header is laid out anew)', async () => {
    const zero = bytesWithZeroCrc(64);
    assert.equal(crc32c(zero), 0);
    const input: ContainerInput = { ...sample(), sections: [...sample().sections, { kind: 'bytes', data: zero }] };
    const expected = concatChunks(packContainer(input));
    const sink = memorySink();
    assert.equal(await writeContainer({ ...input, sections: input.sections.map((s) => ({ ...s, data: deferred(s.data as Uint8Array) })) }, sink), expected.byteLength);
    assert.deepEqual(sink.bytes(), expected);
    assert.equal(openContainer(sink.bytes()).header.sections.at(-1)!.crc32c, 0);
  });

  it('through writeAtomicallyWith: the file equals packContainer\'s bytes; a failing read leaves the previous file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-container-writer-'));
    const target = path.join(dir, 'a.reprise');
    const input = sample();
    await writeAtomicallyWith(target, async (sink) => void (await writeContainer(input, sink)));
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), concatChunks(packContainer(input)));
    const broken = { ...input, sections: [{ ...input.sections[0]!, data: { ...deferred(new Uint8Array(400)), read: async () => new Uint8Array(3) } }] };
    await assert.rejects(writeAtomicallyWith(target, async (sink) => void (await writeContainer(broken, sink))), /announced 400 bytes and gave 3/);
    assert.deepEqual(new Uint8Array(fs.readFileSync(target)), concatChunks(packContainer(input)));
    assert.deepEqual(fs.readdirSync(dir), ['a.reprise']);
  });
});
