import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { S3CheckpointStorage } from '../../src/checkpoint/index.js';
import { readMetrics, runExample, runFolder } from '../helpers/example-runner.js';
import { startLocalS3, type LocalS3 } from '../helpers/s3-server.js';

let s3: LocalS3;
before(async () => {
  s3 = await startLocalS3();
  Object.assign(process.env, s3.env); // the example's children inherit it: endpoint, region, credentials
});
after(async () => {
  await s3.stop();
});

async function ok(args: string[]): Promise<string> {
  const run = await runExample(args);
  assert.equal(run.code, 0, `example ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe('the main job on an object store', () => {
  it('--checkpoint-dir s3://…: stopped after experience 2 and run again, it resumes from the bucket and writes the metrics of a local run that never stopped', async () => {
    const base = ['--benchmark', 'synthetic', '--plugins', 'replay'];
    const local = runFolder('local');
    await ok([...base, ...local.args]);
    const expected = readMetrics(local.metrics);
    assert.equal(expected.size, 5);

    const run = runFolder('s3');
    const url = `s3://${s3.bucket}/runs/synthetic-replay`;
    const args = [...base, ...run.args.map((a) => (a === run.checkpoints ? url : a))];
    const first = await ok([...args, '--stop-after', '1']);
    assert.match(first, /stopping after experience 1/);
    assert.match(first, /checkpoint 2 stored: blocked training [\d.]+ ms, durable after [\d.]+ ms/);
    const storage = new S3CheckpointStorage({ bucket: s3.bucket, prefix: 'runs/synthetic-replay', client: s3.client });
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2'], 'the checkpoints are in the bucket');
    assert.equal(fs.existsSync(run.checkpoints), false, 'and not on the local disk');

    const second = await ok(args);
    assert.match(second, /resumed at experience 2/);
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2', '3', '4', '5']);
    const got = readMetrics(run.metrics);
    for (const [name, bytes] of expected) {
      assert.ok(got.get(name)?.equals(bytes), `${name} differs from the local run's:\n${got.get(name)}\nexpected\n${bytes}`);
    }
    assert.ok(!fs.readdirSync(path.dirname(run.checkpoints)).includes('checkpoints'));
  });
});
