import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { CheckpointFormatError, CheckpointStorageError } from '../../src/errors.js';
import { CheckpointPlugin, load, maybeLoadCheckpoint, packValue, save } from '../../src/checkpoint/index.js';
import { STORAGE_ROWS, stopSharedS3, type StorageUnderTest } from './storage-rows.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;

/** The checkpoint chunks of a small value, as save() hands them to a storage. */
function chunksOf(value: unknown): Uint8Array[] {
  return packValue(value, {}, undefined, true).chunks;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
}

async function withStorage(make: () => Promise<StorageUnderTest>, body: (sut: StorageUnderTest) => Promise<void>): Promise<void> {
  const sut = await make();
  try {
    await body(sut);
  } finally {
    await sut.close();
  }
}

async function trainAndEval(plugin: CheckpointPlugin, experiences: number, strategy = new ToyStrategy([plugin])): Promise<ToyStrategy> {
  for (let e = 0; e < experiences; e++) {
    await strategy.train(e);
    await strategy.eval();
  }
  return strategy;
}

after(stopSharedS3);

for (const row of STORAGE_ROWS) {
  describe(`storage contract: ${row.name}`, () => {
    it('stores the concatenation of the chunks, loads it whole and by ranges, lists and finds it', () =>
      withStorage(row.make, async ({ storage }) => {
        const chunks = [Uint8Array.of(1, 2, 3), new Uint8Array(0), Uint8Array.of(4, 5), new Uint8Array(1000).fill(9)];
        await storage.storeCheckpoint('1', chunks);
        assert.deepEqual(await storage.loadCheckpoint('1'), new Uint8Array(concat(chunks)));
        assert.deepEqual(await storage.listCheckpoints(), ['1']);
        assert.equal(await storage.checkpointExists('1'), true);
        assert.equal(await storage.checkpointExists('2'), false);
        if (storage.openReader) {
          const reader = await storage.openReader('1');
          assert.equal(reader.size, 1005);
          const part = new Uint8Array(4);
          await reader.read(part, 3);
          assert.deepEqual(part, Uint8Array.of(4, 5, 9, 9));
          await reader.close();
        }
      }));

    it('a missing checkpoint is NOT_FOUND everywhere that must load, and "nothing to resume" where the name says maybe', () =>
      withStorage(row.make, async ({ storage }) => {
        await assert.rejects(storage.loadCheckpoint('7'), code('NOT_FOUND'));
        if (storage.openReader) await assert.rejects(storage.openReader('7'), code('NOT_FOUND'));
        await assert.rejects(load({ storage, name: '7' }), code('NOT_FOUND'));
        const strategy = new ToyStrategy();
        assert.deepEqual(await maybeLoadCheckpoint(strategy, { storage, name: '7' }), [strategy, 0]);
        assert.deepEqual(await new CheckpointPlugin(storage).loadCheckpointIfExists(), [null, 0]);
        await storage.deleteCheckpoint?.('7'); // deleting a missing name is not an error
      }));

    it('overwrites a name whole, and deletes', () =>
      withStorage(row.make, async ({ storage }) => {
        await storage.storeCheckpoint('a', [Uint8Array.of(1, 1, 1, 1)]);
        await storage.storeCheckpoint('a', [Uint8Array.of(2, 2)]);
        assert.deepEqual(await storage.loadCheckpoint('a'), Uint8Array.of(2, 2));
        await storage.deleteCheckpoint!('a');
        assert.deepEqual(await storage.listCheckpoints(), []);
        await assert.rejects(storage.loadCheckpoint('a'), code('NOT_FOUND'));
      }));

    it('lists its checkpoints only: not other files, sub-folders, temporary files or sibling prefixes', () =>
      withStorage(row.make, async ({ storage, addForeignEntries }) => {
        await addForeignEntries();
        await storage.storeCheckpoint('3', [Uint8Array.of(3)]);
        assert.deepEqual(await storage.listCheckpoints(), ['3']);
      }));

    it('concurrent writers of one name leave one of their checkpoints whole', () =>
      withStorage(row.make, async ({ storage }) => {
        const versions = [1, 2, 3, 4].map((v) => chunksOf({ v, payload: new Float64Array(4096).fill(v) }));
        await Promise.all(versions.map((chunks) => storage.storeCheckpoint('1', chunks)));
        const value = (await load({ storage, name: '1' })) as { v: number; payload: Float64Array };
        assert.ok(value.payload.every((x) => x === value.v), 'the payload is all from one writer');
        assert.deepEqual(await storage.listCheckpoints(), ['1']);
      }));

    it('a store that fails after its first chunk leaves the previous checkpoint byte-identical, and says STORE_FAILED with the cause', () =>
      withStorage(row.make, async (sut) => {
        const { storage } = sut;
        const previous = chunksOf({ round: 1, payload: new Float64Array(16).fill(1) });
        await storage.storeCheckpoint('5', previous);
        const before = await storage.loadCheckpoint('5');
        // 12 MiB, so that an object store uploads it in parts.
        const fault = sut.faultAfterFirstChunk(chunksOf({ round: 2, payload: new Float64Array(1536 * 1024).fill(2) }));
        try {
          await assert.rejects(storage.storeCheckpoint('5', fault.chunks), (e: unknown) => code('STORE_FAILED')(e) && (e as Error).cause !== undefined);
        } finally {
          fault.undo();
        }
        assert.deepEqual(await storage.loadCheckpoint('5'), before);
        assert.deepEqual(await storage.listCheckpoints(), ['5']);
        assert.equal(((await load({ storage, name: '5' })) as { round: number }).round, 1);
        if (row.name.startsWith('S3')) assert.ok(sut.log.includes('AbortMultipartUploadCommand'), `the failed upload was aborted: ${sut.log.join(', ')}`);
      }));

    it('a corrupt entry loads as a typed format error, never as a value', () =>
      withStorage(row.make, async ({ storage, putRaw }) => {
        const good = concat(chunksOf({ x: new Float32Array(64).fill(1) }));
        good[good.length - 3] ^= 0xff;
        await putRaw('1', good);
        await assert.rejects(load({ storage, name: '1' }), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'SECTION_CHECKSUM');
      }));

    it('refuses names that are not one entry of the storage', () =>
      withStorage(row.make, async ({ storage }) => {
        if (row.name === 'memory') return; // a Map takes any string
        await assert.rejects(storage.storeCheckpoint('../escape', [Uint8Array.of(1)]), code('BAD_NAME'));
        await assert.rejects(storage.loadCheckpoint('a/b'), code('BAD_NAME'));
        await assert.rejects(storage.storeCheckpoint('', [Uint8Array.of(1)]), code('BAD_NAME'));
      }));

    it('save/load go through it, and the run resumes from the newest checkpoint (latest by listing)', () =>
      withStorage(row.make, async ({ storage }) => {
        await save({ a: 1 }, { storage, name: 'single' });
        assert.deepEqual(await load({ storage, name: 'single' }), { a: 1 });
        await trainAndEval(new CheckpointPlugin(storage), 3);
        const [strategy, initialExp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
        assert.equal(initialExp, 3);
        assert.deepEqual(strategy!.weights, [0, 10, 20]);
      }));

    it('pruning keeps the run: keepLast 1 with a junk "7" beside it deletes only the run\'s older checkpoints', () =>
      withStorage(row.make, async ({ storage, putRaw }) => {
        await putRaw('7', new TextEncoder().encode('junk'));
        await trainAndEval(new CheckpointPlugin(storage, { keepLast: 1 }), 3);
        assert.deepEqual((await storage.listCheckpoints()).sort(), ['3', '7']);
        await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (e: unknown) => code('FOREIGN_CHECKPOINT')(e) && (e as Error).message.includes('7'));
        await storage.deleteCheckpoint!('7'); // the way out the error names
        const [, initialExp] = await new CheckpointPlugin(storage).loadCheckpointIfExists();
        assert.equal(initialExp, 3);
      }));
  });
}
