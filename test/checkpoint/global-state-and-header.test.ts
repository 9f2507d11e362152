import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError, CheckpointFormatError } from '../../src/errors.js';
import { captureGlobalState, deserialize, load, MemoryCheckpointStorage, readCheckpointHeader, registerGlobalState, restoreGlobalState, serialize } from '../../src/checkpoint/index.js';
import { MAX_HEADER_SIZE } from '../../src/format/constants.js';
import type { CheckpointReader, CheckpointStorage } from '../../src/checkpoint/index.js';
import { VERSION } from '../../src/version.js';

describe('global state providers', () => {
  it('captures every provider under its name, in name order', () => {
    // Registered neither in name order nor in its reverse.
    registerGlobalState('test.m', { capture: () => 'm', restore: () => undefined });
    registerGlobalState('test.z', { capture: () => 'z', restore: () => undefined });
    registerGlobalState('test.a', { capture: () => 'a', restore: () => undefined });
    const captured = captureGlobalState();
    const names = Object.keys(captured).filter((n) => n.startsWith('test.'));
    assert.deepEqual(names, ['test.a', 'test.m', 'test.z']);
    assert.deepEqual([captured['test.a'], captured['test.m'], captured['test.z']], ['a', 'm', 'z']);
  });

  it('restores each known state, reports the unknown ones, and wraps a refusal as RESTORE_FAILED with its cause', () => {
    let restored: unknown;
    registerGlobalState('test.known', { capture: () => 0, restore: (s) => void (restored = s) });
    assert.deepEqual(restoreGlobalState({ 'test.known': 5, 'test.nobody': 1 }), ['test.nobody']);
    assert.equal(restored, 5);
    const refusal = new Error('no');
    registerGlobalState('test.refuses', { capture: () => 0, restore: () => { throw refusal; } });
    assert.throws(() => restoreGlobalState({ 'test.refuses': 1 }), (e: unknown) => e instanceof CheckpointError && e.code === 'RESTORE_FAILED' && e.cause === refusal);
  });
});

describe('readCheckpointHeader', () => {
  it('a header length past MAX_HEADER_SIZE is BAD_HEADER before anything more is read, however large the file; MAX_HEADER_SIZE itself is read', async () => {
    const good = serialize({ x: 1 });
    const closed: string[] = [];
    const reads: number[] = [];
    const huge = (headerLength: number): CheckpointStorage => {
      const first = good.slice(0, 32);
      new DataView(first.buffer).setUint32(12, headerLength, true);
      const storage = new MemoryCheckpointStorage() as MemoryCheckpointStorage & { openReader(name: string): Promise<CheckpointReader> };
      storage.openReader = async (name) => ({
        size: 2 ** 40,
        read: async (target, position) => {
          reads.push(target.byteLength);
          if (position === 0) target.set(first.subarray(0, Math.min(32, target.byteLength)));
        },
        close: async () => void closed.push(name),
      });
      return storage;
    };
    await assert.rejects(readCheckpointHeader(huge(MAX_HEADER_SIZE + 1), 'past'), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'BAD_HEADER' && e.offset === 12);
    assert.deepEqual(reads, [64 * 1024], 'only the first read');
    reads.length = 0;
    // The largest allowed header is read (zeros here, so its checksum is wrong).
    await assert.rejects(readCheckpointHeader(huge(MAX_HEADER_SIZE), 'max'), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'HEADER_CHECKSUM');
    assert.deepEqual(reads, [64 * 1024, 32 + MAX_HEADER_SIZE - 64 * 1024]);
    assert.deepEqual(closed, ['past', 'max'], 'the reader is closed after a refusal too');
  });

  it('load closes the reader it opened, whether it succeeds or fails; without openReader, verifyChecksums applies to the whole bytes', async () => {
    const bytes = serialize({ weights: new Float32Array(4096).fill(2) });
    const closed: string[] = [];
    const storage = new MemoryCheckpointStorage() as MemoryCheckpointStorage & { openReader(name: string): Promise<CheckpointReader> };
    const stored = new Map<string, Uint8Array>();
    storage.openReader = async (name) => {
      const b = stored.get(name)!;
      return {
        size: b.byteLength,
        read: async (target, position) => target.set(b.subarray(position, position + target.byteLength)),
        close: async () => void closed.push(name),
      };
    };
    const broken = bytes.slice();
    broken[broken.length - 1]! ^= 1;
    stored.set('good', bytes);
    stored.set('broken', broken);
    assert.ok(((await load({ storage, name: 'good' })) as { weights: Float32Array }).weights.every((x) => x === 2));
    await assert.rejects(load({ storage, name: 'broken' }), (e: unknown) => e instanceof CheckpointError && e.code === 'SECTION_CHECKSUM');
    assert.deepEqual(closed, ['good', 'broken']);

    const plain = new MemoryCheckpointStorage(); // loadCheckpoint only
    await plain.storeCheckpoint('broken', [broken]);
    await assert.rejects(load({ storage: plain, name: 'broken' }), (e: unknown) => e instanceof CheckpointError && e.code === 'SECTION_CHECKSUM');
    const unchecked = (await load({ storage: plain, name: 'broken' }, { verifyChecksums: false })) as { weights: Float32Array };
    assert.equal(unchecked.weights.length, 4096);
    assert.equal((deserialize(broken, { verifyChecksums: false }) as { weights: Float32Array }).weights.length, 4096, 'deserialize passes it on too');
    assert.throws(() => deserialize(broken), (e: unknown) => e instanceof CheckpointError && e.code === 'SECTION_CHECKSUM');
  });

  /** A storage over `bytes` with `openReader`, counting the bytes read. */
  function readerStorage(bytes: Uint8Array): CheckpointStorage & { read: number } {
    const storage = new MemoryCheckpointStorage() as MemoryCheckpointStorage & { read: number; openReader(name: string): Promise<CheckpointReader> };
    storage.read = 0;
    storage.openReader = async () => ({
      size: bytes.byteLength,
      read: async (target, position) => {
        storage.read += target.byteLength;
        target.set(bytes.subarray(position, position + target.byteLength));
      },
      close: async () => undefined,
    });
    return storage;
  }

  const withMetadata = (n: number) => serialize({ x: 1 }, { metadata: { note: 'm'.repeat(n) } });

  it('reads the header of a small file and of one whose header is larger than the first read (64 KiB)', async () => {
    for (const n of [10, 100 * 1024]) {
      const bytes = withMetadata(n);
      const storage = readerStorage(bytes);
      const header = await readCheckpointHeader(storage, 'x');
      assert.equal(header.metadata.note!.length, n);
      assert.equal(header.writer, `reprise ${VERSION}`, 'the writer names the library and its version');
      const memory = new MemoryCheckpointStorage();
      await memory.storeCheckpoint('x', [bytes]);
      assert.deepEqual(await readCheckpointHeader(memory, 'x'), header);
    }
  });

  it('refuses a short file (TRUNCATED), a wrong magic (BAD_MAGIC), a header past the end (BAD_HEADER at byte 12) and a flipped header byte (HEADER_CHECKSUM)', async () => {
    const good = withMetadata(10);
    const cases: Array<[Uint8Array, string, number]> = [];
    cases.push([good.slice(0, 31), 'TRUNCATED', 0]);
    const magic = good.slice();
    magic[1] = 0;
    cases.push([magic, 'BAD_MAGIC', 0]);
    const long = good.slice();
    new DataView(long.buffer).setUint32(12, long.length - 32 + 1, true);
    cases.push([long, 'BAD_HEADER', 12]);
    const flipped = good.slice();
    flipped[40]! ^= 1;
    cases.push([flipped, 'HEADER_CHECKSUM', 32]);
    for (const [bytes, code, offset] of cases) {
      const whole = new MemoryCheckpointStorage(); // no openReader: the header is parsed from the whole bytes
      await whole.storeCheckpoint('x', [bytes]);
      for (const storage of [readerStorage(bytes), whole]) {
        await assert.rejects(readCheckpointHeader(storage, 'x'), (e: unknown) => e instanceof CheckpointFormatError && e.code === code && e.offset === offset, code);
      }
    }
    // A file of the preamble alone is checked, not TRUNCATED: its magic first, then its header length.
    const zeros = new Uint8Array(32);
    const preambleOnly = good.slice(0, 32);
    for (const [bytes, code] of [[zeros, 'BAD_MAGIC'], [preambleOnly, 'BAD_HEADER']] as const) {
      const whole = new MemoryCheckpointStorage();
      await whole.storeCheckpoint('x', [bytes]);
      for (const storage of [readerStorage(bytes), whole]) {
        await assert.rejects(readCheckpointHeader(storage, 'x'), (e: unknown) => e instanceof CheckpointFormatError && e.code === code, `32 bytes: ${code}`);
      }
    }
    // a header that ends exactly at the end of the file is read
    const exact = good.slice();
    const headerLength = new DataView(exact.buffer).getUint32(12, true);
    assert.ok((await readCheckpointHeader(readerStorage(exact.slice(0, 32 + headerLength)), 'x')).sections.length > 0);
  });
});
