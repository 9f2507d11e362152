import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CheckpointStorageError } from '../../src/errors.js';
import { FileSystemCheckpointStorage } from '../../src/checkpoint/index.js';

/** The name and option rules of FileSystemCheckpointStorage, each with a name just inside and one just outside. */

const folder = () => fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-names-'));
const code = (fn: () => unknown): string => {
  try {
    fn();
    return 'ok';
  } catch (err) {
    return err instanceof CheckpointStorageError ? err.code : `untyped: ${String(err)}`;
  }
};

describe('FileSystemCheckpointStorage names', () => {
  it('with the default extension a name is 1+ of A-Z a-z 0-9 _ . - not starting with "."', () => {
    const s = new FileSystemCheckpointStorage({ directory: folder() });
    for (const name of ['1', 'run_2', 'a.b', 'A-9', '-x', '_']) assert.equal(code(() => s.pathOf(name)), 'ok', name);
    for (const name of ['', '.hidden', 'a b', 'a/b', 'a\\b', 'a\0b', 'é', 'x!']) assert.equal(code(() => s.pathOf(name)), 'BAD_NAME', JSON.stringify(name));
    assert.equal(s.pathOf('7'), path.join(s.directory, '7.reprise'));
  });

  it('with extension "" a name is any one file name, still not "", hidden, or with a separator or NUL', () => {
    const s = new FileSystemCheckpointStorage({ directory: folder(), extension: '' });
    for (const name of ['a b', 'é', 'x!', 'run.bin']) assert.equal(code(() => s.pathOf(name)), 'ok', name);
    for (const name of ['', '.hidden', 'a/b', 'a\\b', 'a\0b']) assert.equal(code(() => s.pathOf(name)), 'BAD_NAME', JSON.stringify(name));
  });

  it('a name that is not a string is BAD_NAME, with either extension', () => {
    for (const extension of ['.reprise', '']) {
      const s = new FileSystemCheckpointStorage({ directory: folder(), extension });
      for (const name of [5, undefined, null, ['a'], { toString: () => 'a' }]) assert.equal(code(() => s.pathOf(name as unknown as string)), 'BAD_NAME', `${extension}: ${String(name)}`);
    }
  });

  it('a file name of 255 bytes with its extension is accepted; 256 is BAD_NAME', () => {
    const s = new FileSystemCheckpointStorage({ directory: folder() });
    assert.equal(code(() => s.pathOf('x'.repeat(255 - '.reprise'.length))), 'ok');
    assert.equal(code(() => s.pathOf('x'.repeat(256 - '.reprise'.length))), 'BAD_NAME');
  });

  it('options: a directory is required; an extension with "/" or NUL is BAD_OPTIONS', () => {
    for (const options of [{}, { directory: '' }, { directory: 3 }, undefined]) {
      assert.equal(code(() => new FileSystemCheckpointStorage(options as never)), 'BAD_OPTIONS', JSON.stringify(options));
    }
    for (const extension of ['a/b', 'a\0', 5]) {
      assert.equal(code(() => new FileSystemCheckpointStorage({ directory: 'd', extension: extension as never })), 'BAD_OPTIONS', String(extension));
    }
    assert.equal(new FileSystemCheckpointStorage({ directory: 'd', extension: '.ckpt' }).extension, '.ckpt');
  });

  it('lists files with the extension whose names follow the rules: not folders, hidden files, the bare extension or other names', async () => {
    const dir = folder();
    const s = new FileSystemCheckpointStorage({ directory: dir });
    for (const f of ['1.reprise', 'b.c.reprise', '.reprise', '.2.reprise', 'a b.reprise', '3.reprise.tmp', 'notes.txt']) fs.writeFileSync(path.join(dir, f), 'x');
    fs.mkdirSync(path.join(dir, '4.reprise'));
    assert.deepEqual((await s.listCheckpoints()).sort(), ['1', 'b.c']);
    const any = new FileSystemCheckpointStorage({ directory: dir, extension: '' });
    assert.deepEqual((await any.listCheckpoints()).sort(), ['1.reprise', '3.reprise.tmp', 'a b.reprise', 'b.c.reprise', 'notes.txt']);
  });

  it('a missing folder lists nothing; a file where the folder should be is LIST_FAILED', async () => {
    const dir = folder();
    assert.deepEqual(await new FileSystemCheckpointStorage({ directory: path.join(dir, 'missing') }).listCheckpoints(), []);
    fs.writeFileSync(path.join(dir, 'file'), 'x');
    await assert.rejects(new FileSystemCheckpointStorage({ directory: path.join(dir, 'file') }).listCheckpoints(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'LIST_FAILED');
  });

  it('checkpointExists: a file is, a folder of that name or a missing one is not', async () => {
    const dir = folder();
    const s = new FileSystemCheckpointStorage({ directory: dir });
    fs.writeFileSync(path.join(dir, '1.reprise'), 'x');
    fs.mkdirSync(path.join(dir, '2.reprise'));
    assert.deepEqual([await s.checkpointExists('1'), await s.checkpointExists('2'), await s.checkpointExists('3')], [true, false, false]);
    fs.writeFileSync(path.join(dir, 'plain'), 'x');
    assert.equal(await new FileSystemCheckpointStorage({ directory: path.join(dir, 'plain') }).checkpointExists('1'), false); // ENOTDIR
  });
});
