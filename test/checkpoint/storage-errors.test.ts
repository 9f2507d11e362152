import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it, type TestContext } from 'node:test';
import { CheckpointStorageError } from '../../src/errors.js';
import { CheckpointPlugin, load, loadSync, maybeLoadCheckpoint, save, saveCheckpoint, saveSync } from '../../src/checkpoint/index.js';
import { atomicWriteOps } from '../../src/format/atomic-write.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

function folder(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-errors-'));
}

/** A Node file error as the kernel gives it, naming the temporary file it happened on. */
function nodeError(code: string, text: string, syscall: string, file: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: ${text}, ${syscall} '${file}'`), { code, syscall, path: file });
}

/** The ways of saving one checkpoint to the file `target`. */
const SAVERS: Array<{ name: string; save(target: string): Promise<unknown> }> = [
  { name: 'save', save: (target) => save({ a: 1 }, target) },
  { name: 'saveSync', save: async (target) => saveSync({ a: 1 }, target) },
  { name: 'saveCheckpoint', save: (target) => saveCheckpoint(new ToyStrategy(), target) },
  {
    name: 'CheckpointPlugin',
    save: async (target) => {
      const strategy = new ToyStrategy();
      strategy.clock.trainExpCounter = 1;
      return new CheckpointPlugin(path.dirname(target)).saveCheckpoint(strategy);
    },
  },
];

const FAULTS: Array<{ code: string; inject(t: TestContext): void }> = [
  {
    code: 'ENOSPC',
    inject(t) {
      const fail = (h: unknown) => {
        throw nodeError('ENOSPC', 'no space left on device', 'write', String(h));
      };
      t.mock.method(atomicWriteOps, 'writev', async (h: unknown) => fail(h));
      t.mock.method(atomicWriteOps, 'writevSync', fail);
    },
  },
  {
    code: 'EROFS',
    inject(t) {
      const fail = (file: string) => {
        throw nodeError('EROFS', 'read-only file system', 'open', file);
      };
      t.mock.method(atomicWriteOps, 'open', async (file: string) => fail(file));
      t.mock.method(atomicWriteOps, 'openSync', fail);
    },
  },
  {
    code: 'EACCES',
    inject(t) {
      const fail = (from: string) => {
        throw nodeError('EACCES', 'permission denied', 'rename', from);
      };
      t.mock.method(atomicWriteOps, 'rename', async (from: string) => fail(from));
      t.mock.method(atomicWriteOps, 'renameSync', fail);
    },
  },
];

describe('every I/O failure of every entry point is a CheckpointStorageError naming the user\'s path', () => {
  for (const saver of SAVERS) {
    for (const fault of FAULTS) {
      it(`${saver.name}: ${fault.code} is STORE_FAILED naming the checkpoint, not the temporary file; the cause is Node's error; the previous file stays`, async (t) => {
        const dir = folder();
        const target = path.join(dir, saver.name === 'CheckpointPlugin' ? '1.reprise' : 'run.reprise');
        fs.writeFileSync(target, 'previous');
        fault.inject(t);
        await assert.rejects(saver.save(target), (e: unknown) => {
          assert.ok(e instanceof CheckpointStorageError, String(e));
          assert.equal(e.code, 'STORE_FAILED');
          assert.ok(e.message.includes(target), e.message);
          assert.ok(!e.message.includes('.tmp'), `the message names a temporary file: ${e.message}`);
          assert.equal((e.cause as NodeJS.ErrnoException).code, fault.code);
          return true;
        });
        t.mock.restoreAll();
        assert.equal(fs.readFileSync(target, 'utf8'), 'previous');
        assert.deepEqual(fs.readdirSync(dir), [path.basename(target)], 'no temporary file is left');
      });
    }
  }

  it('load, loadSync, maybeLoadCheckpoint and the plugin: an unreadable checkpoint is LOAD_FAILED naming it', async () => {
    const dir = folder();
    const target = path.join(dir, '1.reprise');
    fs.mkdirSync(target); // a folder where the file should be: EISDIR
    const loadFailed = (e: unknown) => e instanceof CheckpointStorageError && e.code === 'LOAD_FAILED' && e.message.includes(target) && e.cause !== undefined;
    await assert.rejects(load(target), loadFailed);
    assert.throws(() => loadSync(target), loadFailed);
    await assert.rejects(maybeLoadCheckpoint(new ToyStrategy(), target), loadFailed);
    fs.rmdirSync(target);
    fs.writeFileSync(target, '');
    fs.chmodSync(target, 0o000);
    if (process.getuid?.() !== 0) await assert.rejects(new CheckpointPlugin(dir).loadCheckpointIfExists(), loadFailed);
  });

  it('a valid 248-character file name saves and loads (the temporary name is cut to fit)', async () => {
    const target = path.join(folder(), 'c'.repeat(240) + '.reprise');
    await save({ long: true }, target);
    saveSync({ long: 'sync' }, target);
    assert.deepEqual(await load(target), { long: 'sync' });
  });

  it('saving through a symbolic link updates its target and keeps the link', async () => {
    const dir = folder();
    fs.mkdirSync(path.join(dir, 'store'));
    const link = path.join(dir, 'latest.reprise');
    fs.symlinkSync(path.join(dir, 'store', 'real.reprise'), link);
    await save({ v: 1 }, link);
    const trained = new ToyStrategy();
    trained.clock.trainExpCounter = 2;
    await saveCheckpoint(trained, link);
    assert.ok(fs.lstatSync(link).isSymbolicLink());
    assert.ok(fs.statSync(path.join(dir, 'store', 'real.reprise')).isFile());
    const [, exp] = await maybeLoadCheckpoint(new ToyStrategy(), path.join(dir, 'store', 'real.reprise'));
    assert.equal(exp, 2);
  });

  it('temporary files of killed saves are removed by the next save into the folder', async () => {
    const dir = folder();
    // What a SIGKILLed writer leaves: its pid is gone.
    const { spawnSync } = await import('node:child_process');
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    for (let i = 0; i < 3; i++) fs.writeFileSync(path.join(dir, `.run.reprise.${dead}.00000000000${i}.tmp`), new Uint8Array(1024));
    await save({ v: 1 }, path.join(dir, 'run.reprise'));
    assert.deepEqual(fs.readdirSync(dir), ['run.reprise']);
  });
});
