/**
 * Run checkpoints (`maybeLoadCheckpoint`, `CheckpointPlugin`) load section by section
 * through the storage's `openReader`, as `load` does: never the whole file in one
 * buffer, checksums checked on the ranged reads, and storages without `openReader`
 * still served from `loadCheckpoint`.
 */
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, describe, it } from 'node:test';
import {
  CheckpointPlugin,
  FileSystemCheckpointStorage,
  maybeLoadCheckpoint,
  saveCheckpoint,
  type CheckpointReader,
  type CheckpointStorage,
} from '../../src/checkpoint/index.js';
import { CheckpointError } from '../../src/errors.js';
import { openContainer, READ_CHUNK } from '../../src/format/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';
await initBackend({ quiet: true });
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-run-reads-'));
after(() => fs.rmSync(root, { recursive: true, force: true }));
let folders = 0;
const folder = () => path.join(root, String(folders++));

/** 6 MB of float32: more than one READ_CHUNK, so a whole-file read would stand out. */
const BIG = [1536, 1024];

type WithTensor = ToyStrategy & { w: tf.Tensor };

function strategyWithTensor(plugins: object[] = [], seed = 1): WithTensor {
  const s = new ToyStrategy(plugins) as WithTensor;
  s.w = tf.randomUniform(BIG, -1, 1, 'float32', seed);
  return s;
}

/**
 * The file-system storage, with every read recorded per name and `loadCheckpoint`
 * refused: a load that asks for the whole file in one buffer fails.
 */
class RecordingStorage implements CheckpointStorage {
  readonly inner: FileSystemCheckpointStorage;
  readonly reads = new Map<string, number[]>();
  constructor(directory: string) {
    this.inner = new FileSystemCheckpointStorage({ directory });
  }
  listCheckpoints() {
    return this.inner.listCheckpoints();
  }
  checkpointExists(name: string) {
    return this.inner.checkpointExists(name);
  }
  storeCheckpoint(name: string, chunks: readonly Uint8Array[]) {
    return this.inner.storeCheckpoint(name, chunks);
  }
  deleteCheckpoint(name: string) {
    return this.inner.deleteCheckpoint(name);
  }
  describe(name: string) {
    return this.inner.describe(name);
  }
  async loadCheckpoint(name: string): Promise<Uint8Array> {
    throw new Error(`loadCheckpoint(${name}) was called: the whole file in one buffer`);
  }
  async openReader(name: string): Promise<CheckpointReader> {
    const reader = await this.inner.openReader(name);
    const reads = this.reads.get(name) ?? this.reads.set(name, []).get(name)!;
    return {
      size: reader.size,
      read: (target, position) => {
        reads.push(target.byteLength);
        return reader.read(target, position);
      },
      close: () => reader.close(),
    };
  }
  fileOf(name: string): string {
    return this.inner.pathOf(name);
  }
}

/** No single read is near the file's size, and every byte of it is read about once. */
function assertReadInPieces(reads: number[] | undefined, size: number): void {
  assert.ok(reads && reads.length > 1, 'read through openReader');
  assert.ok(Math.max(...reads) <= READ_CHUNK, `largest read ${Math.max(...reads)} bytes, file ${size}`);
  const total = reads.reduce((a, b) => a + b, 0);
  assert.ok(total >= size && total <= size + 128 * 1024, `read ${total} bytes of a ${size}-byte file`);
}

/** Flips one byte inside the (last) large tensor section of a stored checkpoint. */
function corruptBigSection(file: string): void {
  const bytes = fs.readFileSync(file);
  const big = openContainer(bytes, { verifyChecksums: false }).header.sections.filter((s) => s.kind === 'tensor' && s.length >= 1 << 20).at(-1)!;
  const fd = fs.openSync(file, 'r+');
  const at = big.offset + (big.length >> 1);
  fs.writeSync(fd, Uint8Array.of(bytes[at]! ^ 0x40), 0, 1, at);
  fs.closeSync(fd);
}

const hasCode = (code: string) => (err: unknown) => err instanceof CheckpointError && err.code === code;

describe('run checkpoints load through openReader, section by section', () => {
  it('maybeLoadCheckpoint reads a file-system checkpoint in bounded pieces and restores the tensor bit for bit', async () => {
    const storage = new RecordingStorage(folder());
    const saved = strategyWithTensor();
    await saveCheckpoint(saved, { storage, name: 'run' });
    const fresh = new ToyStrategy() as WithTensor;
    const [, exp] = await maybeLoadCheckpoint(fresh, { storage, name: 'run' });
    assert.equal(exp, 0);
    assertReadInPieces(storage.reads.get('run'), fs.statSync(storage.fileOf('run')).size);
    assert.deepEqual(Buffer.from((fresh.w.dataSync() as Float32Array).buffer), Buffer.from((saved.w.dataSync() as Float32Array).buffer));
    tf.dispose([saved.w, fresh.w]);
  });

  it('CheckpointPlugin.loadCheckpointIfExists reads its newest checkpoint in bounded pieces', async () => {
    const storage = new RecordingStorage(folder());
    const plugin = new CheckpointPlugin(storage);
    const s = strategyWithTensor([plugin]);
    await s.train(0);
    await s.eval();
    const [loaded, exp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<WithTensor>();
    assert.equal(exp, 1);
    assertReadInPieces(storage.reads.get('1'), fs.statSync(storage.fileOf('1')).size);
    assert.deepEqual(loaded!.w.shape, BIG);
    tf.dispose([s.w, loaded!.w]);
  });

  it('a corrupted tensor section read by ranges is SECTION_CHECKSUM, leaves no tensor behind and the live strategy untouched', async () => {
    const storage = new RecordingStorage(folder());
    const saved = strategyWithTensor();
    saved.weights = [1, 2, 3];
    await saveCheckpoint(saved, { storage, name: 'run' });
    corruptBigSection(storage.fileOf('run'));
    const live = new ToyStrategy();
    const tensors = tf.memory().numTensors;
    const bytes = tf.memory().numBytes;
    await assert.rejects(maybeLoadCheckpoint(live, { storage, name: 'run' }), hasCode('SECTION_CHECKSUM'));
    assert.equal(tf.memory().numTensors, tensors);
    assert.equal(tf.memory().numBytes, bytes);
    assert.deepEqual(live.weights, [], 'nothing restored');
    assert.ok(!('w' in live));
    tf.dispose(saved.w);
  });

  it('the plugin calls a newest checkpoint with a corrupted section FOREIGN_CHECKPOINT, with SECTION_CHECKSUM as the cause', async () => {
    const storage = new RecordingStorage(folder());
    const plugin = new CheckpointPlugin(storage);
    const s = strategyWithTensor([plugin]);
    await s.train(0);
    await s.eval();
    corruptBigSection(storage.fileOf('1'));
    const tensors = tf.memory().numTensors;
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), (err: unknown) => {
      assert.ok(hasCode('FOREIGN_CHECKPOINT')(err));
      assert.ok(hasCode('SECTION_CHECKSUM')((err as Error).cause));
      return true;
    });
    assert.equal(tf.memory().numTensors, tensors);
    tf.dispose(s.w);
  });

  it('mixed runs are refused from the header alone: no section of the newest checkpoint is read', async () => {
    const storage = new RecordingStorage(folder());
    const other = strategyWithTensor([new CheckpointPlugin(storage)], 2);
    other.clock.trainExpCounter = 9;
    await (other.plugins[0] as CheckpointPlugin).saveCheckpoint(other);
    const mine = new ToyStrategy([new CheckpointPlugin(storage)]);
    await mine.train(0);
    await mine.eval();
    storage.reads.clear();
    await assert.rejects(new CheckpointPlugin(storage).loadCheckpointIfExists(), hasCode('MIXED_RUNS'));
    const read = (storage.reads.get('9') ?? []).reduce((a, b) => a + b, 0);
    assert.ok(read > 0 && read < 64 * 1024 + 4096, `read ${read} bytes of the newest checkpoint`);
    tf.dispose(other.w);
  });

  it("a user's storage without openReader is still read through loadCheckpoint", async () => {
    const entries = new Map<string, Uint8Array>();
    const calls: string[] = [];
    const storage: CheckpointStorage = {
      async listCheckpoints() {
        return [...entries.keys()];
      },
      async checkpointExists(name) {
        return entries.has(name);
      },
      async storeCheckpoint(name, chunks) {
        entries.set(name, Buffer.concat(chunks));
      },
      async loadCheckpoint(name) {
        calls.push(name);
        const bytes = entries.get(name);
        if (!bytes) throw new (await import('../../src/errors.js')).CheckpointStorageError('NOT_FOUND', `no ${name}`);
        return bytes;
      },
    };
    const plugin = new CheckpointPlugin(storage);
    const s = strategyWithTensor([plugin]);
    await s.train(4);
    await s.eval();
    const [loaded, exp] = await new CheckpointPlugin(storage).loadCheckpointIfExists<WithTensor>();
    assert.equal(exp, 1);
    assert.deepEqual(loaded!.weights, [40]);
    const fresh = new ToyStrategy();
    await maybeLoadCheckpoint(fresh, { storage, name: '1' });
    assert.deepEqual(fresh.weights, [40]);
    assert.deepEqual(calls, ['1', '1']);
    tf.dispose([s.w, loaded!.w, (fresh as WithTensor).w]);
  });
});
