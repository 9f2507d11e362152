import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { CheckpointError, CheckpointFormatError } from '../../src/errors.js';
import { withResealedHeader } from '../helpers/reseal-header.js';
import {
  concatChunks,
  DIRECT_MIN,
  FileByteSource,
  memoryByteSource,
  openContainer,
  packContainer,
  readContainer,
  READ_CHUNK,
  STAGING_CHUNK,
  type ByteSource,
  type HeaderInfo,
  type SectionPayload,
  type SectionTarget,
} from '../../src/format/index.js';

/** Deterministic bytes. */
function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed * 2654435761 + 1;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    out[i] = x >>> 24;
  }
  return out;
}

function tensorSection(n: number, seed: number): SectionPayload {
  return { kind: 'tensor', data: bytes(4 * n, seed), dtype: 'float32', shape: [n], device: 'cpu' };
}

/** Small sections through the read buffer, an empty one, raw bytes, and one above the direct-read size spanning several read pieces. */
function sampleFile(big = READ_CHUNK * 2 + 1000): Uint8Array {
  const sections: SectionPayload[] = [
    tensorSection(3, 1),
    { kind: 'tensor', data: new Uint8Array(0), dtype: 'float32', shape: [0], device: 'cpu' },
    { kind: 'bytes', data: bytes(77, 2) },
    tensorSection(big / 4, 3),
    tensorSection(1000, 4),
  ];
  return concatChunks(packContainer({ graph: bytes(50, 5), sections, writer: 'test', backend: 'cpu' }));
}

/** The error's code, and its offset when it names one. */
function described(err: unknown): string {
  if (!(err instanceof CheckpointError)) return `untyped: ${String(err)}`;
  return err instanceof CheckpointFormatError && err.offset !== undefined ? `${err.code} at ${err.offset}` : err.code;
}

function codeOf(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return described(err);
  }
}

async function asyncCodeOf(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return 'ok';
  } catch (err) {
    return described(err);
  }
}

test('readContainer gives the header and every section openContainer gives', async () => {
  const file = sampleFile();
  const opened = openContainer(file);
  const read = await readContainer(memoryByteSource(file));
  assert.deepEqual(read.header, opened.header);
  assert.deepEqual(read.graph, opened.graph);
  for (let i = 1; i < opened.header.sections.length; i++) assert.deepEqual(read.targets[i]!.memory, opened.section(i), `section ${i}`);
});

test('readContainer refuses what openContainer refuses, with the same code and offset: every bit flip, truncation and extra byte', async () => {
  const file = sampleFile(2 * 1024 * 1024);
  const positions = new Set<number>();
  for (let i = 0; i < 2048; i++) positions.add(i); // preamble, header, first sections and their padding
  for (let i = 0; i < 400; i++) positions.add(Math.floor((i / 400) * file.length));
  positions.add(file.length - 1);
  for (const at of positions) {
    const broken = file.slice();
    broken[at]! ^= 1 << (at % 8);
    const expected = codeOf(() => openContainer(broken));
    assert.equal(await asyncCodeOf(() => readContainer(memoryByteSource(broken))), expected, `bit flipped at byte ${at}`);
  }
  for (const length of [0, 5, 8, 31, 32, 100, 1000, file.length - 1]) {
    const cut = file.subarray(0, length);
    assert.equal(await asyncCodeOf(() => readContainer(memoryByteSource(cut))), codeOf(() => openContainer(cut)), `cut to ${length}`);
  }
  const longer = new Uint8Array(file.length + 1);
  longer.set(file);
  assert.match(await asyncCodeOf(() => readContainer(memoryByteSource(longer))), /^TRAILING_BYTES/);
});

test('readContainer reads each byte once, in pieces no larger than READ_CHUNK, small sections through the bounded read buffer, large ones straight into their memory', async () => {
  const { source, reads } = recording(sampleFile());
  const read = await readContainer(source);
  assert.ok(reads.every((r) => r.length <= READ_CHUNK), 'a read larger than READ_CHUNK');
  assert.ok(reads.every((r) => r.length > 0), 'a read of no bytes');
  read.header.sections.forEach((s, i) => {
    if (s.length < DIRECT_MIN) assert.ok(!reads.some((r) => r.into === read.targets[i]!.memory?.buffer), `section ${i} (${s.length} bytes) was read straight into its memory`);
  });
  const total = reads.reduce((n, r) => n + r.length, 0);
  const last = read.header.sections.at(-1)!;
  assert.equal(total, last.offset + last.length, 'bytes read more than once, or skipped');
  const big = read.targets[4]!.memory!;
  assert.ok(reads.filter((r) => r.into === big.buffer).length >= 3, 'the large section did not go straight into its memory');
  const staged = reads.filter((r) => !read.targets.some((t) => t.memory?.buffer === r.into));
  assert.ok(staged.length > 0 && staged.every((r) => r.length <= STAGING_CHUNK), 'a staged read larger than the read buffer');
});

test('a section whose checksum fails leaves nothing allocated: every target made is discarded', async () => {
  const file = sampleFile();
  const opened = openContainer(file);
  for (const index of [1, 4, 5]) {
    const broken = file.slice();
    broken[opened.header.sections[index]!.offset]! ^= 0x10;
    const live = new Set<number>();
    const allocate = (_: unknown, i: number): SectionTarget => {
      live.add(i);
      const memory = new Uint8Array(opened.header.sections[i]!.length);
      return { write: (b, at) => memory.set(b, at), discard: () => live.delete(i) };
    };
    await assert.rejects(readContainer(memoryByteSource(broken), { allocate }), (err: unknown) => err instanceof CheckpointError && err.code === 'SECTION_CHECKSUM');
    assert.deepEqual([...live], [], `section ${index}: targets left behind`);
  }
});

test('targets that only take writes receive every byte in order', async () => {
  const file = sampleFile();
  const opened = openContainer(file);
  const copies = new Map<number, Uint8Array>();
  const read = await readContainer(memoryByteSource(file), {
    allocate: (info, i) => {
      const copy = new Uint8Array(info.length);
      copies.set(i, copy);
      let expectedAt = 0;
      return {
        write(b, at) {
          assert.equal(at, expectedAt);
          expectedAt += b.byteLength;
          copy.set(b, at);
        },
      };
    },
  });
  assert.equal(read.targets.length, opened.header.sections.length);
  for (const [i, copy] of copies) assert.deepEqual(copy, opened.section(i));
});

test('FileByteSource reads a file; a file that shrinks under it is TRUNCATED', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-source-'));
  const file = path.join(dir, 'c.reprise');
  const content = sampleFile(1024 * 1024 + 64);
  fs.writeFileSync(file, content);
  const source = await FileByteSource.open(file);
  try {
    assert.equal(source.size, content.length);
    const read = await readContainer(source);
    assert.deepEqual(read.targets[4]!.memory, openContainer(content).section(4));
    fs.truncateSync(file, content.length - 100);
    await assert.rejects(readContainer(source), (err: unknown) => err instanceof CheckpointError && err.code === 'TRUNCATED');
  } finally {
    await source.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await assert.rejects(FileByteSource.open(file), (err: NodeJS.ErrnoException) => err.code === 'ENOENT');
});

test('a byte source that ends early is TRUNCATED at the byte where it ended, and fills nothing past it', async () => {
  const content = bytes(100, 3);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-source-'));
  const file = path.join(dir, 'short');
  fs.writeFileSync(file, content);
  const fileSource = await FileByteSource.open(file);
  try {
    for (const source of [memoryByteSource(content), fileSource]) {
      // 8 bytes from 96: 4 exist.
      await assert.rejects(source.read(new Uint8Array(8), 96), (err: unknown) => err instanceof CheckpointFormatError && err.code === 'TRUNCATED' && err.offset === 100);
      const exact = new Uint8Array(4);
      await source.read(exact, 96);
      assert.deepEqual(exact, content.subarray(96));
    }
  } finally {
    await fileSource.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('FileByteSource.close releases the descriptor once: reads after it fail, a second close is a no-op', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-source-'));
  const file = path.join(dir, 'f');
  fs.writeFileSync(file, bytes(16, 1));
  try {
    const source = await FileByteSource.open(file);
    await source.close();
    await assert.rejects(source.read(new Uint8Array(4), 0), (err: NodeJS.ErrnoException) => err.code === 'EBADF');
    // A descriptor closed twice could close another file that reused its number.
    const other = fs.openSync(file, 'r');
    try {
      await source.close();
      assert.doesNotThrow(() => fs.fstatSync(other), 'the descriptor opened after the first close is still open');
    } finally {
      fs.closeSync(other);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

/** Rewrites the header with `edit` and re-seals the header's checksum. */
function withHeader(file: Uint8Array, edit: (h: HeaderInfo) => void): Uint8Array {
  const header = openContainer(file).header;
  edit(header);
  const out = withResealedHeader(file, header);
  assert.ok(out, 'the edited header still fits');
  return out;
}

/** Records every read: where, how many bytes, into which buffer. */
function recording(file: Uint8Array) {
  const inner = memoryByteSource(file);
  const reads: { at: number; length: number; into: ArrayBufferLike }[] = [];
  const source: ByteSource = {
    size: inner.size,
    read(target, position) {
      reads.push({ at: position, length: target.byteLength, into: target.buffer });
      return inner.read(target, position);
    },
  };
  return { source, reads };
}

test('a section of DIRECT_MIN bytes (the graph too) is read straight into its memory; one byte less goes through the read buffer', async () => {
  const file = concatChunks(
    packContainer({
      graph: bytes(DIRECT_MIN, 1),
      sections: [
        { kind: 'bytes', data: bytes(DIRECT_MIN, 2) },
        { kind: 'bytes', data: bytes(DIRECT_MIN - 1, 3) },
      ],
      writer: 'test',
      backend: '',
    }),
  );
  const { source, reads } = recording(file);
  const read = await readContainer(source);
  assert.ok(reads.some((r) => r.into === read.graph.buffer), 'the graph, DIRECT_MIN bytes: direct');
  assert.ok(reads.some((r) => r.into === read.targets[1]!.memory!.buffer), 'DIRECT_MIN bytes: direct');
  assert.ok(!reads.some((r) => r.into === read.targets[2]!.memory!.buffer), 'DIRECT_MIN - 1 bytes: staged');
  assert.deepEqual(read.targets[2]!.memory, openContainer(file).section(2));
});

test('the read buffer of a small file is no larger than the file', async () => {
  const file = concatChunks(packContainer({ graph: bytes(40, 1), sections: [{ kind: 'bytes', data: bytes(300, 2) }], writer: 'test', backend: '' }));
  const { source, reads } = recording(file);
  await readContainer(source);
  assert.ok(reads.length > 0);
  for (const r of reads) assert.ok(r.into.byteLength <= file.length, `a ${r.into.byteLength}-byte buffer for a ${file.length}-byte file`);
});

test('a check that fails while the next piece is being read returns only after that read has finished', async () => {
  // Targets that only take writes: every section goes through the read buffer, in STAGING_CHUNK pieces, so
  // the broken first section is checked while the second piece is being read.
  const file = sampleFile(2 * STAGING_CHUNK);
  const opened = openContainer(file);
  const broken = file.slice();
  broken[opened.header.sections[1]!.offset]! ^= 1;
  const inner = memoryByteSource(broken);
  let inFlight = 0;
  const source: ByteSource = {
    size: inner.size,
    read(target, position) {
      inFlight++;
      // Completes on a later turn of the event loop, after any promise reaction.
      return new Promise((resolve, reject) => setImmediate(() => inner.read(target, position).then(resolve, reject).finally(() => inFlight--)));
    },
  };
  const writeOnly = (): SectionTarget => ({ write: () => undefined });
  await assert.rejects(readContainer(source, { allocate: writeOnly }), (err: unknown) => err instanceof CheckpointError && err.code === 'SECTION_CHECKSUM');
  assert.equal(inFlight, 0, 'a read was still writing into a discarded target');
});

test('verifyChecksums: false reads the bytes as they are, without checking them', async () => {
  const file = sampleFile();
  const opened = openContainer(file);
  const broken = file.slice();
  for (const i of [1, 4, 5]) broken[opened.header.sections[i]!.offset]! ^= 0x10;
  const read = await readContainer(memoryByteSource(broken), { verifyChecksums: false });
  for (const i of [1, 4, 5]) {
    const expected = opened.section(i).slice();
    expected[0]! ^= 0x10;
    assert.deepEqual(read.targets[i]!.memory, expected, `section ${i}`);
  }
  await assert.rejects(readContainer(memoryByteSource(broken)), (err: unknown) => err instanceof CheckpointError && err.code === 'SECTION_CHECKSUM');
});

test('an empty section at the end whose recorded checksum is not that of no bytes is SECTION_CHECKSUM, as openContainer says', async () => {
  const file = concatChunks(
    packContainer({
      graph: bytes(40, 1),
      sections: [
        { kind: 'bytes', data: bytes(100, 2) },
        { kind: 'bytes', data: new Uint8Array(0) },
      ],
      writer: 'test',
      backend: '',
    }),
  );
  assert.equal((await readContainer(memoryByteSource(file))).targets.length, 3);
  const lying = withHeader(file, (h) => {
    h.sections[2]!.crc32c = 1;
  });
  const expected = codeOf(() => openContainer(lying));
  assert.match(expected, /^SECTION_CHECKSUM/);
  assert.equal(await asyncCodeOf(() => readContainer(memoryByteSource(lying))), expected);
});
