import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { pathToFileURL } from 'node:url';
import { CheckpointStorageError } from '../../src/errors.js';
import {
  CheckpointPlugin,
  FileSystemCheckpointStorage,
  load,
  loadSync,
  MemoryCheckpointStorage,
  registerStorageScheme,
  resolveCheckpointLocation,
  resolveStorage,
  S3CheckpointStorage,
  save,
  saveSync,
} from '../../src/checkpoint/index.js';

const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;

describe('targets resolve through the scheme registry', () => {
  it('a path names a file in its folder (any file name); a folder path names a run storage', () => {
    const { storage, name } = resolveCheckpointLocation('some dir/my run.bin');
    assert.ok(storage instanceof FileSystemCheckpointStorage);
    assert.equal(storage.directory, path.resolve('some dir'));
    assert.equal(storage.extension, '');
    assert.equal(name, 'my run.bin');
    const run = resolveStorage('ckpts');
    assert.ok(run instanceof FileSystemCheckpointStorage);
    assert.equal(run.extension, '.reprise');
  });

  it('file:// URLs are paths', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-scheme-'));
    const url = pathToFileURL(path.join(dir, 'a.reprise'));
    await save({ x: 1 }, url.href);
    assert.deepEqual(await load(url), { x: 1 });
    assert.deepEqual(loadSync(path.join(dir, 'a.reprise')), { x: 1 });
    const plugin = new CheckpointPlugin(pathToFileURL(dir).href);
    assert.equal((plugin.storage as FileSystemCheckpointStorage).directory, dir);
  });

  it('s3:// URLs: bucket and key prefix, the last segment naming one object', () => {
    const { storage, name } = resolveCheckpointLocation('s3://my-bucket/runs/a/5.reprise');
    assert.ok(storage instanceof S3CheckpointStorage);
    assert.deepEqual([storage.bucket, storage.prefix, storage.extension, name], ['my-bucket', 'runs/a/', '', '5.reprise']);
    assert.equal(storage.describe(name), 's3://my-bucket/runs/a/5.reprise');
    const run = resolveStorage('s3://my-bucket/runs/a');
    assert.ok(run instanceof S3CheckpointStorage);
    assert.deepEqual([run.bucket, run.prefix, run.extension], ['my-bucket', 'runs/a/', '.reprise']);
    assert.equal((resolveStorage('s3://my-bucket') as S3CheckpointStorage).prefix, '');
  });

  it('a registered scheme serves save, load and the plugin', async () => {
    const shared = new MemoryCheckpointStorage();
    const seen: string[] = [];
    registerStorageScheme('mem', (url, { extension }) => {
      seen.push(`${url.href} ${JSON.stringify(extension)}`);
      return shared;
    });
    await save({ y: 2 }, 'mem://host/dir/thing');
    assert.deepEqual(await load('mem://host/dir/thing'), { y: 2 });
    assert.equal(new CheckpointPlugin('mem://host/run').storage, shared);
    assert.deepEqual(seen, ['mem://host/dir/ ""', 'mem://host/dir/ ""', 'mem://host/run/ ".reprise"']);
  });

  it('refuses clearly: unknown schemes, folders given as files, sync twins on object stores, bad targets', async () => {
    await assert.rejects(save({}, 'gs://bucket/x.reprise'), code('UNKNOWN_SCHEME'));
    assert.throws(() => new CheckpointPlugin('gs://bucket/run'), code('UNKNOWN_SCHEME'));
    await assert.rejects(save({}, 'ckpts/'), code('BAD_TARGET'));
    await assert.rejects(load('s3://bucket/prefix/'), code('BAD_TARGET'));
    assert.throws(() => saveSync({}, 's3://bucket/x.reprise'), code('BAD_TARGET'));
    assert.throws(() => loadSync('s3://bucket/x.reprise'), code('BAD_TARGET'));
    await assert.rejects(load(42 as never), code('BAD_TARGET'));
    assert.throws(() => new CheckpointPlugin({} as never), code('BAD_OPTIONS'));
    assert.throws(() => registerStorageScheme('', () => new MemoryCheckpointStorage()), code('BAD_OPTIONS'));
  });
});
