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
  registeredStorageSchemes,
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

  it('a scheme is a letter then 1+ of letters, digits, + . - (any case; the URL decides, not its spelling); the factory must be a function', () => {
    const storage = new MemoryCheckpointStorage();
    const badOptions = (scheme: unknown, factory: unknown = () => storage) =>
      assert.throws(() => registerStorageScheme(scheme as string, factory as never), code('BAD_OPTIONS'), JSON.stringify(scheme));
    for (const scheme of ['', 'a', '1ab', 'ab c', 'ab/', 'ab:']) badOptions(scheme);
    badOptions(['ab']); // not a string, though its text would pass the pattern
    badOptions('okscheme', 5);
    registerStorageScheme('Up.Case+1-x', () => storage);
    assert.ok(registeredStorageSchemes().includes('up.case+1-x'));
    assert.equal(resolveStorage('UP.CASE+1-X://host/run'), storage);
    const schemes = registeredStorageSchemes();
    assert.deepEqual(schemes, [...schemes].sort(), 'sorted, not in registration order');
    assert.ok(['file', 's3', 'indexeddb', 'opfs'].every((s) => schemes.includes(s)));
  });

  it('a run target that is neither a path, a URL nor a whole storage is BAD_TARGET', () => {
    const storage = new MemoryCheckpointStorage();
    assert.equal(resolveStorage(storage), storage);
    const methods = { storeCheckpoint() {}, loadCheckpoint() {}, listCheckpoints() {} };
    const notStorages: unknown[] = [
      '',
      42,
      null,
      undefined,
      {},
      { ...methods, storeCheckpoint: undefined },
      { ...methods, loadCheckpoint: 'x' },
      { ...methods, listCheckpoints: undefined },
      Object.assign(() => undefined, methods), // a function with the methods is not a storage object
    ];
    for (const target of notStorages) assert.throws(() => resolveStorage(target as never), code('BAD_TARGET'), String(target));
  });

  it('a URL that does not parse is BAD_TARGET with the parser\'s error as cause; a path that only contains "x://" is a path', () => {
    for (const target of ['s3://[bucket', 'file://[::1/x']) {
      assert.throws(() => resolveStorage(target), (e: unknown) => code('BAD_TARGET')(e) && (e as Error).cause instanceof TypeError, target);
      assert.throws(() => resolveCheckpointLocation(target), code('BAD_TARGET'), target);
    }
    const { storage, name } = resolveCheckpointLocation('notes/see http://x');
    assert.ok(storage instanceof FileSystemCheckpointStorage);
    assert.equal(name, 'x');
    assert.ok(resolveStorage('notes/see http://x') instanceof FileSystemCheckpointStorage);
  });

  it('a run URL with or without a final "/" names the same folder; a checkpoint URL drops its #fragment and decodes its name', () => {
    const seen: string[] = [];
    const shared = new MemoryCheckpointStorage();
    registerStorageScheme('seen', (url, { extension }) => {
      seen.push(`${url.href} ${extension}`);
      return shared;
    });
    resolveStorage('seen://host/run/');
    resolveStorage('seen://host/run');
    const one = resolveCheckpointLocation('seen://host/dir/my%20run#part');
    assert.equal(one.name, 'my run');
    assert.deepEqual(seen, ['seen://host/run/ .reprise', 'seen://host/run/ .reprise', 'seen://host/dir/ ']);
  });

  it('a single checkpoint target is BAD_TARGET when it names a folder or is not a path, URL or { storage, name }', () => {
    const storage = new MemoryCheckpointStorage();
    assert.deepEqual(resolveCheckpointLocation({ storage, name: 'a' }), { storage, name: 'a' });
    const bad: unknown[] = ['', 'dir/', '/', 'dir/.', 'dir/..', '.', '..', null, 7, { storage, name: 5 }, { storage: {}, name: 'a' }, { name: 'a' }];
    for (const target of bad) assert.throws(() => resolveCheckpointLocation(target as never), code('BAD_TARGET'), JSON.stringify(target));
    // Just inside: a dot name that is not . or .. is a file name (refused later, by the storage, as BAD_NAME if hidden).
    assert.equal(resolveCheckpointLocation('dir/...').name, '...');
    assert.equal(resolveCheckpointLocation('dir/a.').name, 'a.');
  });
});
