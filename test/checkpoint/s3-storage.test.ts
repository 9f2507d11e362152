import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { CheckpointStorageError } from '../../src/errors.js';
import { load, S3CheckpointStorage, save } from '../../src/checkpoint/index.js';
import { defaultClient, resetDefaultS3Client, sliceChunks } from '../../src/checkpoint/s3-storage.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server.js';

const code = (c: string) => (e: unknown) => e instanceof CheckpointStorageError && e.code === c;

let s3: LocalS3;
before(async () => {
  s3 = await startLocalS3();
});
after(async () => {
  resetDefaultS3Client();
  await s3.stop();
});

/** A client for the local server that logs each attempt and fails as `fault` says. */
function clientWith(fault: (command: string, attempt: number) => Error | undefined, log: string[] = []): S3Client {
  const client = s3.newClient({ maxAttempts: 3 });
  const attempts = new Map<string, number>();
  // After the retry middleware: each attempt passes here.
  type Middleware = Parameters<typeof client.middlewareStack.addRelativeTo>[0];
  client.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      const command = context.commandName!;
      const attempt = (attempts.get(command) ?? 0) + 1;
      attempts.set(command, attempt);
      log.push(`${command}#${attempt}`);
      const err = fault(command, attempt);
      if (err) throw err;
      return next(args);
    }) as unknown as Middleware,
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'faults' },
  );
  return client;
}

function serviceUnavailable(): Error {
  return Object.assign(new Error('Service Unavailable'), { name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 } });
}

describe('S3CheckpointStorage', () => {
  it('reads endpoint, region and credentials from the standard AWS environment, with path-style addressing', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, s3.env);
    delete process.env.AWS_ENDPOINT_URL;
    resetDefaultS3Client();
    try {
      const url = `s3://${s3.bucket}/from-env/run.reprise`;
      await save({ weights: new Float32Array(2048).fill(3) }, url);
      const back = (await load(url)) as { weights: Float32Array };
      assert.ok(back.weights.every((x) => x === 3));
      await assert.rejects(load(`s3://${s3.bucket}/from-env/none.reprise`), code('NOT_FOUND'));
    } finally {
      for (const k of Object.keys(s3.env)) delete process.env[k];
      Object.assign(process.env, saved);
      resetDefaultS3Client();
    }
  });

  it('the default client: region from AWS_REGION, else AWS_DEFAULT_REGION, else us-east-1 when an endpoint is named; an endpoint means path-style', async () => {
    const names = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'];
    const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));
    const configWith = async (env: Record<string, string>) => {
      for (const n of names) delete process.env[n];
      Object.assign(process.env, env);
      resetDefaultS3Client();
      const client = await defaultClient();
      const endpoint = client.config.endpoint ? await client.config.endpoint() : undefined;
      return { region: await client.config.region().catch(() => undefined), forcePathStyle: client.config.forcePathStyle === true, host: endpoint?.hostname };
    };
    try {
      assert.deepEqual(await configWith({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9' }), { region: 'us-east-1', forcePathStyle: true, host: '127.0.0.1' });
      assert.deepEqual(await configWith({ AWS_ENDPOINT_URL: 'http://127.0.0.2:9', AWS_DEFAULT_REGION: 'eu-west-3' }), { region: 'eu-west-3', forcePathStyle: true, host: '127.0.0.2' });
      assert.deepEqual(await configWith({ AWS_ENDPOINT_URL_S3: 'http://127.0.0.1:9', AWS_REGION: 'ap-south-1', AWS_DEFAULT_REGION: 'eu-west-3' }), { region: 'ap-south-1', forcePathStyle: true, host: '127.0.0.1' });
      assert.equal((await configWith({ AWS_REGION: 'eu-north-1' })).forcePathStyle, false, 'no endpoint: AWS addressing');
    } finally {
      for (const n of names) delete process.env[n];
      for (const [n, v] of Object.entries(saved)) if (v !== undefined) process.env[n] = v;
      resetDefaultS3Client();
    }
  });

  it('a transient error (503) is retried by the SDK and the store succeeds', async () => {
    const log: string[] = [];
    const client = clientWith((command, attempt) => (command === 'PutObjectCommand' && attempt === 1 ? serviceUnavailable() : undefined), log);
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'retry', client });
    await storage.storeCheckpoint('1', [Uint8Array.of(1, 2, 3)]);
    assert.deepEqual(log, ['PutObjectCommand#1', 'PutObjectCommand#2']);
    assert.deepEqual(await storage.loadCheckpoint('1'), Uint8Array.of(1, 2, 3));
    client.destroy();
  });

  it('an error that outlasts the retries is STORE_FAILED / LOAD_FAILED / LIST_FAILED with the SDK error as cause', async () => {
    const log: string[] = [];
    const client = clientWith(() => serviceUnavailable(), log);
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'down', client });
    const withCause = (c: string) => (e: unknown) => code(c)(e) && ((e as Error).cause as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode === 503;
    await assert.rejects(storage.storeCheckpoint('1', [Uint8Array.of(1)]), withCause('STORE_FAILED'));
    assert.deepEqual(log, ['PutObjectCommand#1', 'PutObjectCommand#2', 'PutObjectCommand#3']);
    await assert.rejects(storage.loadCheckpoint('1'), withCause('LOAD_FAILED'));
    await assert.rejects(storage.listCheckpoints(), withCause('LIST_FAILED'));
    client.destroy();
  });

  it('a missing bucket is a failure, not a missing checkpoint', async () => {
    const storage = new S3CheckpointStorage({ bucket: 'no-such-bucket', client: s3.client });
    await assert.rejects(storage.listCheckpoints(), code('LIST_FAILED'));
    await assert.rejects(storage.storeCheckpoint('1', [Uint8Array.of(1)]), code('STORE_FAILED'));
  });

  it('large checkpoints upload in parts and come back whole', async () => {
    const log: string[] = [];
    const client = clientWith(() => undefined, log);
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'parts', client, multipartThreshold: 6 << 20, partSize: 5 << 20 });
    const a = new Uint8Array(7 << 20).map((_, i) => i % 251);
    const b = new Uint8Array(4 << 20).fill(7);
    await storage.storeCheckpoint('big', [a, b]);
    assert.deepEqual(
      log.filter((l) => !l.startsWith('UploadPart')),
      ['CreateMultipartUploadCommand#1', 'CompleteMultipartUploadCommand#1'],
    );
    assert.equal(log.filter((l) => l.startsWith('UploadPart')).length, 3);
    const back = await storage.loadCheckpoint('big');
    assert.equal(Buffer.compare(back, Buffer.concat([a, b])), 0);
    client.destroy();
  });

  it('a part inside one chunk is a view of it, not a copy; a part across chunks is one copy of just that range', () => {
    const a = new Uint8Array(10).map((_, i) => i);
    const b = new Uint8Array(10).map((_, i) => 10 + i);
    const inside = sliceChunks([a, b], 2, 8);
    assert.equal(inside.buffer, a.buffer);
    assert.deepEqual([...inside], [2, 3, 4, 5, 6, 7]);
    const across = sliceChunks([a, b], 8, 13);
    assert.notEqual(across.buffer, a.buffer);
    assert.deepEqual([...across], [8, 9, 10, 11, 12]);
    assert.deepEqual([...sliceChunks([a, new Uint8Array(0), b], 10, 12)], [10, 11]);
    // Inside the second chunk, also from its first byte: a view of it.
    for (const [start, end] of [[12, 18], [10, 15], [10, 20]]) {
      const view = sliceChunks([a, b], start!, end!);
      assert.equal(view.buffer, b.buffer, `[${start}, ${end})`);
      assert.deepEqual([...view], Array.from({ length: end! - start! }, (_, i) => start! + i));
    }
  });

  it('refuses bad options', () => {
    assert.throws(() => new S3CheckpointStorage({ bucket: 'Bad_Bucket' }), code('BAD_OPTIONS'));
    assert.throws(() => new S3CheckpointStorage({ bucket: 'ok-bucket', partSize: 1024 }), code('BAD_OPTIONS'));
    assert.throws(() => new S3CheckpointStorage({ bucket: 'ok-bucket', prefix: '/abs' }), code('BAD_OPTIONS'));
  });
});
