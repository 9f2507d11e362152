/**
 * Loads from S3 read sections straight into their memory through `openReader`, with a
 * bounded number of requests: a ranged GET for the first read, then one GET of the rest
 * of the object serving the reads that follow in order.
 */
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { S3Client } from '@aws-sdk/client-s3';
import { CheckpointError } from '../../src/errors.js';
import { load, maybeLoadCheckpoint, readCheckpointHeader, S3CheckpointStorage, save, saveCheckpoint } from '../../src/checkpoint/index.js';
import { resetDefaultS3Client } from '../../src/checkpoint/s3-storage.js';
import { initBackend } from '../../src/tensor/index.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';
await initBackend({ quiet: true });
let s3: LocalS3;
before(async () => {
  s3 = await startLocalS3();
});
after(async () => {
  resetDefaultS3Client();
  await s3.stop();
});

/** A client for the local server that records the command of every request. */
function countingClient(log: string[]): S3Client {
  const client = s3.newClient();
  type Middleware = Parameters<typeof client.middlewareStack.addRelativeTo>[0];
  client.middlewareStack.addRelativeTo(
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: unknown) => {
      log.push(context.commandName!);
      return next(args);
    }) as unknown as Middleware,
    { relation: 'after', toMiddleware: 'retryMiddleware', name: 'count' },
  );
  return client;
}

const bytesOf = (t: tf.Tensor) => Buffer.from((t.dataSync() as Float32Array).buffer);

describe('loads from S3 through openReader', () => {
  it('maybeLoadCheckpoint of a 6 MB run checkpoint is a HEAD and two GETs, and restores the tensors bit for bit', async () => {
    const log: string[] = [];
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'run-reads', client: countingClient(log) });
    const saved = new ToyStrategy() as ToyStrategy & { w: tf.Tensor[] };
    saved.w = [tf.randomUniform([1024, 1024], -1, 1, 'float32', 1), tf.randomUniform([512, 1024], -1, 1, 'float32', 2), tf.tensor1d([1, 2, 3])];
    saved.weights = [7];
    await saveCheckpoint(saved, { storage, name: 'run' });
    log.length = 0;
    const fresh = new ToyStrategy() as ToyStrategy & { w: tf.Tensor[] };
    await maybeLoadCheckpoint(fresh, { storage, name: 'run' });
    assert.deepEqual(log, ['HeadObjectCommand', 'GetObjectCommand', 'GetObjectCommand']);
    assert.deepEqual(fresh.weights, [7]);
    fresh.w.forEach((t, i) => assert.ok(bytesOf(t).equals(bytesOf(saved.w[i]!)), `tensor ${i}`));
    tf.dispose([...saved.w, ...fresh.w]);
  });

  it('a header read is one ranged GET; a load of a small value works the same way', async () => {
    const log: string[] = [];
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'run-reads', client: countingClient(log) });
    await save({ a: 1, t: tf.ones([10]) }, { storage, name: 'small' });
    log.length = 0;
    const header = await readCheckpointHeader(storage, 'small');
    assert.ok(header.sections.length > 1);
    assert.deepEqual(log, ['HeadObjectCommand', 'GetObjectCommand']);
    const back = (await load({ storage, name: 'small' })) as { a: number; t: tf.Tensor };
    assert.equal(back.a, 1);
    assert.deepEqual([...back.t.dataSync()], new Array(10).fill(1));
  });

  it('a corrupted section arriving through the one GET is SECTION_CHECKSUM with nothing left on the backend', async () => {
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'run-reads', client: s3.client });
    const t = tf.randomUniform([512, 512], -1, 1, 'float32', 3);
    await save({ t }, { storage, name: 'corrupt' });
    const bytes = await storage.loadCheckpoint('corrupt');
    bytes[bytes.byteLength - 100]! ^= 0x10; // inside the last (tensor) section
    await storage.storeCheckpoint('corrupt', [bytes]);
    const tensors = tf.memory().numTensors;
    await assert.rejects(load({ storage, name: 'corrupt' }), (err: unknown) => err instanceof CheckpointError && err.code === 'SECTION_CHECKSUM');
    assert.equal(tf.memory().numTensors, tensors);
    t.dispose();
  });
});
