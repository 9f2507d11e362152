import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { FileSystemCheckpointStorage, MemoryCheckpointStorage, S3CheckpointStorage, type CheckpointStorage } from '../../src/checkpoint/index.js';
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { IndexedDBCheckpointStorage, type IndexedDBGlobals } from '../../src/checkpoint/indexeddb-storage.js';
import { OPFSCheckpointStorage } from '../../src/checkpoint/opfs-storage.js';
import { fakeOPFS } from '../helpers/opfs-fake.js';
import { atomicWriteOps } from '../../src/format/atomic-write.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server.js';

/** A storage under test, with the hooks the contract table needs to reach behind it. */
export interface StorageUnderTest {
  storage: CheckpointStorage;
  /** Puts an entry that is not a checkpoint of this storage next to its checkpoints (other extension, sub-folder, temporary file). */
  addForeignEntries(): Promise<void>;
  /** Puts raw bytes where checkpoint `name` lives, bypassing the storage. */
  putRaw(name: string, bytes: Uint8Array): Promise<void>;
  /**
   * Makes the next store fail after its first chunk (file system: the first buffer of
   * a writev; S3: the first part of a multipart upload) and returns the chunks to store
   * so that it does; `undo` restores normal operation.
   */
  faultAfterFirstChunk(chunks: Uint8Array[]): { chunks: Uint8Array[]; undo(): void };
  /** What the storage sent or did, for assertions (S3: command names). */
  log: string[];
  close(): Promise<void>;
}

export interface StorageRow {
  name: string;
  make(): Promise<StorageUnderTest>;
}

let localS3: LocalS3 | undefined;
let prefixCounter = 0;

/** Stops the s3rver the S3 rows share (call in an `after` hook of every file that uses them). */
export async function stopSharedS3(): Promise<void> {
  const s = localS3;
  localS3 = undefined;
  await s?.stop();
}

async function fileSystemRow(): Promise<StorageUnderTest> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-contract-'));
  const storage = new FileSystemCheckpointStorage({ directory: dir });
  return {
    storage,
    log: [],
    async addForeignEntries() {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'not a checkpoint');
      fs.mkdirSync(path.join(dir, 'sub.reprise'));
      fs.writeFileSync(path.join(dir, '.1.reprise.99999999.0123456789ab.tmp'), 'half a checkpoint');
    },
    async putRaw(name, bytes) {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(storage.pathOf(name), bytes);
    },
    faultAfterFirstChunk(chunks) {
      const original = atomicWriteOps.writev;
      atomicWriteOps.writev = async (handle, buffers) => {
        await original(handle, buffers.slice(0, 1));
        throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO', errno: -5, syscall: 'write' });
      };
      return { chunks, undo: () => void (atomicWriteOps.writev = original) };
    },
    async close() {
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function memoryRow(): Promise<StorageUnderTest> {
  const storage = new MemoryCheckpointStorage();
  return {
    storage,
    log: [],
    async addForeignEntries() {
      /* a memory storage holds nothing but its entries */
    },
    async putRaw(name, bytes) {
      storage.entries.set(name, bytes);
    },
    faultAfterFirstChunk(chunks) {
      // A chunk whose buffer was transferred away: copying it throws, after the first chunk was copied.
      const detached = new Uint8Array(chunks[1]!.byteLength);
      structuredClone(detached.buffer, { transfer: [detached.buffer] });
      return { chunks: [chunks[0]!, detached, ...chunks.slice(2)], undo() {} };
    },
    async close() {},
  };
}

let idbCounter = 0;

async function indexedDBRow(): Promise<StorageUnderTest> {
  const globals = { indexedDB: new IDBFactory(), IDBKeyRange } as unknown as IndexedDBGlobals;
  const database = `contract-${idbCounter++}`;
  const storage = new IndexedDBCheckpointStorage({ database, prefix: 'run/', recordSize: 1 << 20, globals });
  const others: IndexedDBCheckpointStorage[] = [];
  return {
    storage,
    log: [],
    async addForeignEntries() {
      for (const prefix of ['run/sub/', 'run', 'other/']) {
        const other = new IndexedDBCheckpointStorage({ database, prefix, globals });
        others.push(other);
        await other.storeCheckpoint('9', [new Uint8Array([1, 2, 3])]);
      }
    },
    async putRaw(name, bytes) {
      await storage.storeCheckpoint(name, [bytes]);
    },
    faultAfterFirstChunk(chunks) {
      // A chunk that cannot be read: copying it into a record throws after the first chunk was copied.
      // (A fault inside the transaction itself: test/checkpoint/indexeddb-storage.test.ts.)
      const broken = Object.assign(new Uint8Array(chunks[1]!), {
        subarray(): never {
          throw new Error('injected fault: chunk unreadable');
        },
      });
      return { chunks: [chunks[0]!, broken, ...chunks.slice(2)], undo() {} };
    },
    async close() {
      await storage.close();
      for (const o of others) await o.close();
    },
  };
}

async function opfsRow(): Promise<StorageUnderTest> {
  const fake = fakeOPFS();
  const storage = new OPFSCheckpointStorage({ directory: 'runs/one', root: fake.root });
  const folder = async () => (await (await fake.root()).getDirectoryHandle('runs', { create: true })).getDirectoryHandle('one', { create: true });
  const write = async (file: string, bytes: Uint8Array) => {
    const w = await (await (await folder()).getFileHandle(file, { create: true })).createWritable();
    await w.write(bytes);
    await w.close();
  };
  return {
    storage,
    log: [],
    async addForeignEntries() {
      await write('notes.txt', new TextEncoder().encode('not a checkpoint'));
      await (await folder()).getDirectoryHandle('sub.reprise', { create: true });
      await write('.1.reprise.0123456789abcdef.tmp', new TextEncoder().encode('half a checkpoint'));
      await write('2.reprise.crswap', new TextEncoder().encode('a write in progress'));
      await (await (await fake.root()).getDirectoryHandle('runs')).getDirectoryHandle('one-sibling', { create: true });
    },
    async putRaw(name, bytes) {
      await write(storage.fileOf(name), bytes);
    },
    faultAfterFirstChunk(chunks) {
      fake.failWrite(2);
      return { chunks, undo: () => fake.failWrite(0) };
    },
    async close() {},
  };
}

async function s3Row(): Promise<StorageUnderTest> {
  localS3 ??= await startLocalS3();
  const server = localS3;
  const client = server.newClient();
  const log: string[] = [];
  let failUploadPart = 0;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      log.push(context.commandName!);
      if (context.commandName === 'UploadPartCommand' && failUploadPart > 0 && --failUploadPart === 0) {
        throw Object.assign(new Error('injected fault: connection lost after the first part'), { name: 'InjectedFault', $fault: 'client' });
      }
      return next(args);
    },
    { step: 'initialize', name: 'contractFaults' },
  );
  const prefix = `contract-${process.pid}-${prefixCounter++}/`;
  // Multipart from 6 MiB on, in 5 MiB parts (S3's minimum), so the contract exercises both paths.
  const storage = new S3CheckpointStorage({ bucket: server.bucket, prefix, client, multipartThreshold: 6 * 1024 * 1024, partSize: 5 * 1024 * 1024 });
  const put = (key: string, body: Uint8Array | string) => client.send(new PutObjectCommand({ Bucket: server.bucket, Key: key, Body: body }));
  return {
    storage,
    log,
    async addForeignEntries() {
      await put(prefix + 'notes.txt', 'not a checkpoint');
      await put(prefix + 'sub/1.reprise', 'a checkpoint of a deeper prefix');
      await put(prefix.slice(0, -1) + '-sibling/2.reprise', 'a key that only starts like the prefix');
    },
    async putRaw(name, bytes) {
      await put(storage.keyOf(name), bytes);
    },
    faultAfterFirstChunk(chunks) {
      failUploadPart = 2;
      return { chunks, undo: () => void (failUploadPart = 0) };
    },
    async close() {
      client.destroy();
    },
  };
}

/** Every storage reprise ships, each passing the one contract table. */
export const STORAGE_ROWS: StorageRow[] = [
  { name: 'file system', make: fileSystemRow },
  { name: 'memory', make: memoryRow },
  { name: 'S3 (s3rver)', make: s3Row },
  { name: 'IndexedDB (fake-indexeddb)', make: indexedDBRow },
  { name: 'OPFS (in-memory fake)', make: opfsRow },
];
