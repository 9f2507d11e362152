/**
 * S3CheckpointStorage against an in-memory client: the request each method sends, and
 * what it makes of each response shape and failure (short, long or unsized bodies,
 * paged listings, every "not found", a part that fails). The contract table and
 * s3-storage.test run it against a real s3rver.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointStorageError } from '../../src/errors.js';
import { S3CheckpointStorage, type S3CheckpointStorageOptions } from '../../src/checkpoint/s3-storage.js';
import { FakeS3Client, notFound } from '../helpers/s3-fake-client.js';

const MIB = 1024 * 1024;
const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;
const codeWithCause = (c: string) => (e: unknown) => code(c)(e) && (e as Error).cause !== undefined;

function storageOn(fake: FakeS3Client, options: Partial<S3CheckpointStorageOptions> = {}): S3CheckpointStorage {
  return new S3CheckpointStorage({ bucket: 'bkt', prefix: 'run', client: fake.client, ...options });
}

function bytes(n: number, seed = 0): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 7 + seed) & 0xff;
  return b;
}

describe('S3CheckpointStorage options, keys and URLs', () => {
  it('defaults: prefix "" or with a final "/", extension .reprise, 16 MiB threshold, 8 MiB parts, 4 at once', () => {
    const s = new S3CheckpointStorage({ bucket: 'bkt' });
    assert.deepEqual([s.prefix, s.extension, s.multipartThreshold, s.partSize, s.queueSize], ['', '.reprise', 16 * MIB, 8 * MIB, 4]);
    assert.equal(new S3CheckpointStorage({ bucket: 'bkt', prefix: 'a/b' }).prefix, 'a/b/');
    assert.equal(new S3CheckpointStorage({ bucket: 'bkt', prefix: 'a/b/' }).prefix, 'a/b/');
    assert.equal(new S3CheckpointStorage({ bucket: 'bkt', prefix: 'a', extension: '' }).keyOf('x.bin'), 'a/x.bin');
  });

  it('each option out of range is BAD_OPTIONS; the smallest valid values are accepted', () => {
    const bad: Array<Partial<S3CheckpointStorageOptions>> = [
      {},
      { bucket: 'ab' },
      { bucket: 'a'.repeat(64) },
      { bucket: 'bkt', prefix: 5 as never },
      { bucket: 'bkt', prefix: '/a' },
      { bucket: 'bkt', extension: 7 as never },
      { bucket: 'bkt', extension: 'a/b' },
      { bucket: 'bkt', partSize: 5 * MIB - 1 },
      { bucket: 'bkt', partSize: 5 * MIB + 0.5 },
      { bucket: 'bkt', multipartThreshold: 0 },
      { bucket: 'bkt', multipartThreshold: 1.5 },
      { bucket: 'bkt', queueSize: 0 },
      { bucket: 'bkt', queueSize: 2.5 },
    ];
    for (const options of bad) assert.throws(() => new S3CheckpointStorage(options as S3CheckpointStorageOptions), code('BAD_OPTIONS'), JSON.stringify(options));
    assert.throws(() => new S3CheckpointStorage(undefined as never), code('BAD_OPTIONS'));
    const least = new S3CheckpointStorage({ bucket: 'abc', partSize: 5 * MIB, multipartThreshold: 1, queueSize: 1 });
    assert.deepEqual([least.partSize, least.multipartThreshold, least.queueSize], [5 * MIB, 1, 1]);
    assert.equal(new S3CheckpointStorage({ bucket: 'a'.repeat(63) }).bucket, 'a'.repeat(63));
  });

  it('fromUrl: s3:// only (string or URL), the path a decoded prefix', () => {
    const s = S3CheckpointStorage.fromUrl('s3://bkt/runs/my%20run', { extension: '.ck' });
    assert.deepEqual([s.bucket, s.prefix, s.extension], ['bkt', 'runs/my run/', '.ck']);
    assert.equal(S3CheckpointStorage.fromUrl(new URL('s3://bkt')).prefix, '');
    assert.throws(() => S3CheckpointStorage.fromUrl('gs://bkt/run'), code('BAD_TARGET'));
  });

  it('keyOf: a non-empty name without "/", not starting with ".", in a key of at most 1024 bytes', () => {
    const s = new S3CheckpointStorage({ bucket: 'bkt', prefix: 'p' });
    assert.equal(s.keyOf('7'), 'p/7.reprise');
    assert.equal(s.describe('7'), 's3://bkt/p/7.reprise');
    for (const name of ['', 'a/b', '.hidden', 'x'.repeat(1024 - 'p/.reprise'.length + 1), 5]) assert.throws(() => s.keyOf(name as string), code('BAD_NAME'), String(name));
    assert.equal(s.keyOf('x'.repeat(1024 - 'p/.reprise'.length)).length, 1024);
    assert.equal(s.keyOf('a.b'), 'p/a.b.reprise');
  });
});

describe('S3CheckpointStorage requests and responses', () => {
  it('lists every page (following the continuation token), only its own names, one level deep', async () => {
    const fake = new FakeS3Client();
    fake.pageSize = 2;
    for (const key of ['run/1.reprise', 'run/2.reprise', 'run/.3.reprise', 'run/.reprise', 'run/notes.txt', 'run/sub/4.reprise', 'run/5.reprise', 'run/6.reprise', 'other/7.reprise']) fake.objects.set(key, bytes(1));
    const names = await storageOn(fake).listCheckpoints();
    assert.deepEqual(names, ['1', '2', '5', '6']);
    const lists = fake.sent.filter((s) => s.command === 'ListObjectsV2Command');
    assert.equal(lists.length, 4);
    assert.deepEqual(
      lists.map((l) => l.input.ContinuationToken),
      [undefined, '2', '4', '6'],
    );
    assert.ok(lists.every((l) => l.input.Bucket === 'bkt' && l.input.Prefix === 'run/' && l.input.Delimiter === '/'));
    // A page that is not truncated ends the listing even when it carries a token; a page without Contents is empty.
    fake.on.ListObjectsV2Command = () => ({ IsTruncated: false, NextContinuationToken: 'more' });
    assert.deepEqual(await storageOn(fake).listCheckpoints(), []);
    fake.on.ListObjectsV2Command = () => ({ Contents: [{}, { Key: 'run/9.reprise' }], IsTruncated: false });
    assert.deepEqual(await storageOn(fake).listCheckpoints(), ['9']);
  });

  it('with extension "" every object one level under the prefix is a checkpoint, but not the prefix itself', async () => {
    const fake = new FakeS3Client();
    for (const key of ['run/', 'run/a.bin', 'run/b']) fake.objects.set(key, bytes(1));
    assert.deepEqual(await storageOn(fake, { extension: '' }).listCheckpoints(), ['a.bin', 'b']);
  });

  it('every spelling of "not found" is a missing checkpoint; NoSuchBucket and other errors are failures with the cause', async () => {
    const missing = [notFound('NoSuchKey', 0), notFound('NotFound', 0), Object.assign(new Error('x'), { Code: 'NoSuchKey' }), notFound('Unknown', 404)];
    for (const err of missing) {
      const fake = new FakeS3Client();
      fake.on.HeadObjectCommand = () => {
        throw err;
      };
      fake.on.GetObjectCommand = fake.on.HeadObjectCommand;
      fake.on.DeleteObjectCommand = fake.on.HeadObjectCommand;
      const s = storageOn(fake);
      assert.equal(await s.checkpointExists('1'), false, err.name);
      await assert.rejects(s.loadCheckpoint('1'), codeWithCause('NOT_FOUND'));
      await assert.rejects(s.openReader('1'), codeWithCause('NOT_FOUND'));
      await s.deleteCheckpoint('1');
    }
    for (const err of [notFound('NoSuchBucket', 404), notFound('AccessDenied', 403), new Error('socket hang up'), undefined]) {
      const fake = new FakeS3Client();
      fake.on.HeadObjectCommand = () => {
        throw err;
      };
      fake.on.GetObjectCommand = fake.on.HeadObjectCommand;
      fake.on.DeleteObjectCommand = fake.on.HeadObjectCommand;
      fake.on.ListObjectsV2Command = fake.on.HeadObjectCommand;
      const s = storageOn(fake);
      const failed = (c: string) => (e: unknown) => code(c)(e) && (e as { cause?: unknown }).cause === err;
      await assert.rejects(s.checkpointExists('1'), failed('LOAD_FAILED'), String(err?.name));
      await assert.rejects(s.loadCheckpoint('1'), failed('LOAD_FAILED'));
      await assert.rejects(s.openReader('1'), failed('LOAD_FAILED'));
      await assert.rejects(s.deleteCheckpoint('1'), failed('DELETE_FAILED'));
      await assert.rejects(s.listCheckpoints(), failed('LIST_FAILED'));
    }
  });

  it('exists is a HEAD of the key; delete is a DELETE of the key', async () => {
    const fake = new FakeS3Client();
    fake.objects.set('run/1.reprise', bytes(3));
    const s = storageOn(fake);
    assert.equal(await s.checkpointExists('1'), true);
    await s.deleteCheckpoint('1');
    assert.equal(fake.objects.size, 0);
    assert.deepEqual(fake.sent, [
      { command: 'HeadObjectCommand', input: { Bucket: 'bkt', Key: 'run/1.reprise' } },
      { command: 'DeleteObjectCommand', input: { Bucket: 'bkt', Key: 'run/1.reprise' } },
    ]);
  });

  it('a checkpoint up to the threshold is one PUT (a single chunk sent as it is, several joined); one byte more is a multipart upload', async () => {
    const fake = new FakeS3Client();
    const s = storageOn(fake, { multipartThreshold: 10 });
    const one = bytes(10);
    let body: unknown;
    fake.on.PutObjectCommand = (input) => void (body = input.Body);
    await s.storeCheckpoint('a', [one]);
    assert.equal(body, one, 'the one chunk itself, not a copy');
    assert.deepEqual(fake.sent[0]!.input, { Bucket: 'bkt', Key: 'run/a.reprise', Body: one, ContentLength: 10, ContentType: 'application/octet-stream' });
    delete fake.on.PutObjectCommand;
    await s.storeCheckpoint('b', [bytes(4), new Uint8Array(0), bytes(6, 4)]);
    assert.deepEqual(fake.objects.get('run/b.reprise'), Uint8Array.from([...bytes(4), ...bytes(6, 4)]));
    fake.sent.length = 0;
    await s.storeCheckpoint('c', [bytes(11)]);
    assert.deepEqual(fake.commands(), ['CreateMultipartUploadCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand']);
    assert.deepEqual(fake.objects.get('run/c.reprise'), bytes(11));
  });

  it('parts are partSize bytes (the last the rest), numbered from 1, at most queueSize at once, completed in order', async () => {
    const fake = new FakeS3Client();
    const s = storageOn(fake, { multipartThreshold: 1, partSize: 5 * MIB, queueSize: 2 });
    const a = bytes(7 * MIB, 1);
    const b = bytes(9 * MIB + 3, 2);
    await s.storeCheckpoint('big', [a, b]);
    const parts = fake.sent.filter((x) => x.command === 'UploadPartCommand').map((x) => [x.input.PartNumber, x.input.ContentLength, x.input.Key, x.input.UploadId]);
    assert.deepEqual(parts, [
      [1, 5 * MIB, 'run/big.reprise', 'upload-0'],
      [2, 5 * MIB, 'run/big.reprise', 'upload-0'],
      [3, 5 * MIB, 'run/big.reprise', 'upload-0'],
      [4, MIB + 3, 'run/big.reprise', 'upload-0'],
    ]);
    assert.equal(fake.maxInFlight, 2);
    assert.equal(Buffer.compare(fake.objects.get('run/big.reprise')!, Buffer.concat([a, b])), 0);
    const complete = fake.sent.find((x) => x.command === 'CompleteMultipartUploadCommand')!.input;
    assert.deepEqual((complete.MultipartUpload as { Parts: unknown[] }).Parts, [1, 2, 3, 4].map((n) => ({ ETag: `"part-${n}"`, PartNumber: n })));
    assert.equal(fake.sent.find((x) => x.command === 'CreateMultipartUploadCommand')!.input.ContentType, 'application/octet-stream');
  });

  it('a failed part stops the upload: no worker starts a part after it, the upload is aborted, and the store is STORE_FAILED with the part\'s error', async () => {
    const fake = new FakeS3Client();
    const s = storageOn(fake, { multipartThreshold: 1, partSize: 5 * MIB, queueSize: 2 });
    const partError = new Error('connection reset');
    fake.on.UploadPartCommand = (input) => {
      if (input.PartNumber === 1) throw partError;
      return undefined;
    };
    fake.on.AbortMultipartUploadCommand = () => {
      throw new Error('the abort failed too'); // best effort: the part's error is the one reported
    };
    await assert.rejects(s.storeCheckpoint('x', [bytes(21 * MIB)]), (e: unknown) => code('STORE_FAILED')(e) && (e as Error).cause === partError);
    // Parts 1 and 2 were in flight together; part 2's worker stops when it sees part 1 failed.
    assert.deepEqual(fake.commands(), ['CreateMultipartUploadCommand', 'UploadPartCommand', 'UploadPartCommand', 'AbortMultipartUploadCommand']);
    assert.equal(fake.objects.size, 0);
  });

  it('a failed completion is aborted too', async () => {
    const fake = new FakeS3Client();
    const s = storageOn(fake, { multipartThreshold: 1, partSize: 5 * MIB });
    const err = new Error('InvalidPart');
    fake.on.CompleteMultipartUploadCommand = () => {
      throw err;
    };
    await assert.rejects(s.storeCheckpoint('x', [bytes(6 * MIB)]), (e: unknown) => code('STORE_FAILED')(e) && (e as Error).cause === err);
    assert.deepEqual(fake.commands().slice(-2), ['CompleteMultipartUploadCommand', 'AbortMultipartUploadCommand']);
    assert.equal(fake.openUploads(), 0);
  });

  it('loadCheckpoint refuses a body without Content-Length, or shorter or longer than it says', async () => {
    const fake = new FakeS3Client();
    fake.objects.set('run/1.reprise', bytes(10));
    const s = storageOn(fake);
    assert.deepEqual(await s.loadCheckpoint('1'), bytes(10));
    const body = (b: Uint8Array) => ({ async *[Symbol.asyncIterator]() { yield b; } });
    for (const response of [{ Body: body(bytes(10)) }, { ContentLength: 10, Body: body(bytes(9)) }, { ContentLength: 10, Body: body(bytes(11)) }, { ContentLength: 11, Body: body(bytes(10)) }]) {
      fake.on.GetObjectCommand = () => response;
      await assert.rejects(s.loadCheckpoint('1'), codeWithCause('LOAD_FAILED'), JSON.stringify(response.ContentLength));
    }
  });
});

describe('S3CheckpointStorage.openReader', () => {
  async function readerOn(size: number, pieceSize = 3) {
    const fake = new FakeS3Client();
    fake.pieceSize = pieceSize;
    const object = bytes(size, 5);
    fake.objects.set('run/1.reprise', object);
    const s = storageOn(fake);
    const reader = await s.openReader('1');
    const gets = () => fake.sent.filter((x) => x.command === 'GetObjectCommand').map((x) => `${String(x.input.Range)} ${String(x.input.IfMatch)}`);
    return { fake, object, reader, gets };
  }

  it('the first read is one ranged GET of just its bytes; the reads that follow in order share one GET of the rest', async () => {
    const { reader, object, gets } = await readerOn(40);
    assert.equal(reader.size, 40);
    const head = new Uint8Array(8);
    await reader.read(head, 0);
    assert.deepEqual(head, object.subarray(0, 8));
    assert.deepEqual(gets(), ['bytes=0-7 "40"']);
    const parts = [new Uint8Array(5), new Uint8Array(10), new Uint8Array(17)];
    await Promise.all([reader.read(parts[0]!, 8), reader.read(parts[1]!, 13), reader.read(parts[2]!, 23)]);
    assert.deepEqual(Buffer.concat(parts), Buffer.from(object.subarray(8, 40)));
    assert.deepEqual(gets(), ['bytes=0-7 "40"', 'bytes=8-39 "40"']);
    await reader.read(new Uint8Array(0), 40); // an empty read asks for nothing
    assert.equal(gets().length, 2);
    await reader.close();
    await reader.close();
  });

  it('a read out of order is its own ranged GET; a read past the end or before the start is LOAD_FAILED', async () => {
    const { reader, object, gets } = await readerOn(40);
    await reader.read(new Uint8Array(4), 0);
    await reader.read(new Uint8Array(4), 10); // starts the one GET of the rest, at 10
    const back = new Uint8Array(4);
    await reader.read(back, 2); // not where the sequential GET is: ranged
    assert.deepEqual(back, object.subarray(2, 6));
    const next = new Uint8Array(6);
    await reader.read(next, 14); // continues the sequential GET
    assert.deepEqual(next, object.subarray(14, 20));
    assert.deepEqual(gets(), ['bytes=0-3 "40"', 'bytes=10-39 "40"', 'bytes=2-5 "40"']);
    await assert.rejects(reader.read(new Uint8Array(1), 40), code('LOAD_FAILED'));
    await assert.rejects(reader.read(new Uint8Array(2), 39), code('LOAD_FAILED'));
    await assert.rejects(reader.read(new Uint8Array(1), -1), code('LOAD_FAILED'));
    const last = new Uint8Array(1);
    await reader.read(last, 39);
    assert.deepEqual(last, object.subarray(39));
    await reader.close();
  });

  it('a sequential body that ends early or runs long is LOAD_FAILED; the reads after it, even where it would continue, are ranged GETs', async () => {
    for (const broken of [bytes(3), bytes(40)]) {
      const { fake, reader, object, gets } = await readerOn(30, 4);
      await reader.read(new Uint8Array(4), 0);
      fake.on.GetObjectCommand = (input) => (String(input.Range).startsWith('bytes=4-') ? { ContentLength: broken.byteLength, Body: { async *[Symbol.asyncIterator]() { yield broken; } } } : undefined);
      await assert.rejects(reader.read(new Uint8Array(10), 4), codeWithCause('LOAD_FAILED'));
      const again = new Uint8Array(5);
      await reader.read(again, 14);
      assert.deepEqual(again, object.subarray(14, 19));
      assert.deepEqual(gets(), ['bytes=0-3 "30"', 'bytes=4-29 "30"', 'bytes=14-18 "30"']);
      await reader.close();
    }
  });

  it('an empty read asks for nothing, even as the first read; a read before byte 0 is LOAD_FAILED even where the store would answer it', async () => {
    const { reader, gets } = await readerOn(1);
    await reader.read(new Uint8Array(0), 0);
    assert.deepEqual(gets(), []);
    // "bytes=-1--1" is no range: S3 (and the fake) answer with the whole 1-byte object, which a bounds check alone must refuse.
    await assert.rejects(reader.read(new Uint8Array(1), -1), code('LOAD_FAILED'));
    assert.deepEqual(gets(), []);
  });

  it('a sequential GET that fails is LOAD_FAILED (NOT_FOUND once the object is gone); close stops the download', async () => {
    const { fake, reader } = await readerOn(30);
    await reader.read(new Uint8Array(4), 0);
    fake.objects.delete('run/1.reprise');
    await assert.rejects(reader.read(new Uint8Array(4), 4), code('NOT_FOUND'));
    const other = await readerOn(30);
    await other.reader.read(new Uint8Array(4), 0);
    let returned = 0;
    other.fake.on.GetObjectCommand = () => ({
      ContentLength: 26,
      Body: {
        [Symbol.asyncIterator]: () => ({
          next: async () => ({ done: false, value: new Uint8Array(2) }),
          return: async () => {
            returned++;
            return { done: true, value: undefined };
          },
        }),
      },
    });
    await other.reader.read(new Uint8Array(4), 4);
    await other.reader.close();
    assert.equal(returned, 1, 'the rest of the body was not read');
  });

  it('a ranged GET whose Content-Length is not the range asked for is LOAD_FAILED, even when the body would fit', async () => {
    const { fake, reader } = await readerOn(30);
    fake.on.GetObjectCommand = () => ({ ContentLength: 5, Body: { async *[Symbol.asyncIterator]() { yield new Uint8Array(4); } } });
    await assert.rejects(reader.read(new Uint8Array(4), 0), codeWithCause('LOAD_FAILED'));
  });

  it('an object HEAD without Content-Length has size 0', async () => {
    const fake = new FakeS3Client();
    fake.on.HeadObjectCommand = () => ({ ETag: '"e"' });
    const reader = await storageOn(fake).openReader('1');
    assert.equal(reader.size, 0);
    await assert.rejects(reader.read(new Uint8Array(1), 0), code('LOAD_FAILED'));
  });
});
