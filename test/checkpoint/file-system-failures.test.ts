import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointStorageError } from '../../src/errors.js';
import { FileSystemCheckpointStorage } from '../../src/checkpoint/index.js';

/** Each way a FileSystemCheckpointStorage operation meets the file system's refusal, and the code it becomes. */

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-fs-failures-'));
const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c && e.cause !== undefined;

describe('FileSystemCheckpointStorage failures', () => {
  it('a folder that is a file: loads are NOT_FOUND (ENOTDIR), stores STORE_FAILED', async () => {
    const dir = folder();
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    const s = new FileSystemCheckpointStorage({ directory: path.join(dir, 'plain') });
    await assert.rejects(s.loadCheckpoint('1'), code('NOT_FOUND'));
    await assert.rejects(s.openReader('1'), code('NOT_FOUND'));
    assert.throws(() => s.loadCheckpointSync('1'), code('NOT_FOUND'));
    await assert.rejects(s.storeCheckpoint('1', [Uint8Array.of(1)]), code('STORE_FAILED'));
    assert.throws(() => s.storeCheckpointSync('1', [Uint8Array.of(1)]), code('STORE_FAILED'));
    await assert.rejects(s.listCheckpoints(), (e: unknown) => code('LIST_FAILED')(e) && (e as { cause: NodeJS.ErrnoException }).cause.code === 'ENOTDIR', 'listing it is LIST_FAILED with the file error');
  });

  it('a name that is a symbolic link loop cannot be looked up or loaded: LOAD_FAILED, not "missing"', async () => {
    const dir = folder();
    const s = new FileSystemCheckpointStorage({ directory: dir });
    fs.symlinkSync(s.pathOf('1'), s.pathOf('1')); // ELOOP
    await assert.rejects(s.checkpointExists('1'), code('LOAD_FAILED'));
    await assert.rejects(s.loadCheckpoint('1'), code('LOAD_FAILED'));
    assert.throws(() => s.loadCheckpointSync('1'), code('LOAD_FAILED'));
  });

  it('stores create the folder and its parents, and store again into it', async () => {
    const dir = path.join(folder(), 'a', 'b');
    const s = new FileSystemCheckpointStorage({ directory: dir });
    await s.storeCheckpoint('1', [Uint8Array.of(1, 2)]);
    await s.storeCheckpoint('2', [Uint8Array.of(3)]);
    s.storeCheckpointSync('3', [Uint8Array.of(4)]);
    const sync = new FileSystemCheckpointStorage({ directory: path.join(dir, 'c', 'd') });
    sync.storeCheckpointSync('4', [Uint8Array.of(5)]);
    assert.deepEqual((await s.listCheckpoints()).sort(), ['1', '2', '3']);
    assert.deepEqual([...s.loadCheckpointSync('1')], [1, 2]);
    assert.deepEqual(await sync.loadCheckpoint('4'), Uint8Array.of(5));
  });

  it('loadCheckpoint closes every file it opens, after a read and after a failed one', async (t) => {
    const s = new FileSystemCheckpointStorage({ directory: folder() });
    await s.storeCheckpoint('1', [new Uint8Array(100).fill(7)]);
    const open = new Set<fs.promises.FileHandle>();
    const realOpen = fs.promises.open;
    t.mock.method(fs.promises, 'open', async (...args: Parameters<typeof fs.promises.open>) => {
      const handle = await realOpen(...args);
      open.add(handle);
      const realClose = handle.close.bind(handle);
      handle.close = async () => {
        open.delete(handle);
        return realClose();
      };
      return handle;
    });
    assert.equal((await s.loadCheckpoint('1')).length, 100);
    assert.equal(open.size, 0, 'open after a load');
    // A file that shrinks between the size check and the read: the read fails, the file is closed.
    const shrink = s.openReader.bind(s);
    t.mock.method(s, 'openReader', async (name: string) => {
      const reader = await shrink(name);
      fs.truncateSync(s.pathOf(name), 10);
      return reader;
    });
    await assert.rejects(s.loadCheckpoint('1'), code('LOAD_FAILED'));
    assert.equal(open.size, 0, 'open after a failed load');
  });

  it('a read past the end of the file, or of a file cut short after opening, is LOAD_FAILED; close twice is fine', async () => {
    const s = new FileSystemCheckpointStorage({ directory: folder() });
    await s.storeCheckpoint('1', [new Uint8Array(100).fill(7)]);
    const reader = await s.openReader('1');
    assert.equal(reader.size, 100);
    const tail = new Uint8Array(4);
    await reader.read(tail, 96);
    assert.deepEqual(tail, new Uint8Array(4).fill(7));
    await assert.rejects(reader.read(new Uint8Array(4), 98), code('LOAD_FAILED'));
    fs.truncateSync(s.pathOf('1'), 10);
    await assert.rejects(reader.read(new Uint8Array(20), 0), code('LOAD_FAILED'));
    await reader.close();
    await assert.rejects(reader.read(new Uint8Array(4), 0), code('LOAD_FAILED'), 'a closed reader reads nothing');
    await reader.close();
  });

  it('a folder where the checkpoint should be is refused when the reader opens, before any read', async () => {
    const s = new FileSystemCheckpointStorage({ directory: folder() });
    fs.mkdirSync(s.pathOf('1'), { recursive: true });
    await assert.rejects(s.openReader('1'), code('LOAD_FAILED'));
  });

  it('deleting a folder where the checkpoint should be is DELETE_FAILED; a missing name is no error', async () => {
    const dir = folder();
    const s = new FileSystemCheckpointStorage({ directory: dir });
    fs.mkdirSync(s.pathOf('1'));
    await assert.rejects(s.deleteCheckpoint('1'), code('DELETE_FAILED'));
    await s.deleteCheckpoint('2');
    assert.ok(fs.statSync(s.pathOf('1')).isDirectory());
  });
});
