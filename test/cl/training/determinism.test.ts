import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { seededRun } from '../fixtures/seeded-run.js';
import { setupBackend } from '../helpers.js';

before(setupBackend);

const fixture = fileURLToPath(new URL('../fixtures/seeded-run.js', import.meta.url));

describe('a seeded run', () => {
  it('gives bit-identical metrics and weights when repeated in the same process', async () => {
    const a = await seededRun(17);
    const b = await seededRun(17);
    assert.deepEqual(b, a);
    assert.ok(Object.keys(a.metrics[1]!).includes('Top1_Acc_Stream/eval_phase/test_stream/Task000'));
    const c = await seededRun(18);
    assert.notDeepEqual(c.weights, a.weights);
  });

  it('gives bit-identical metrics and weights in another process on the same backend', async () => {
    const child = promisify(execFile)(process.execPath, [fixture, '17'], { env: { ...process.env, REPRISE_QUIET: '1' }, maxBuffer: 1 << 26 });
    const here = await seededRun(17);
    const { stdout } = await child;
    const there = JSON.parse(stdout);
    assert.equal(there.backend, here.backend);
    assert.deepEqual(there.metrics, JSON.parse(JSON.stringify(here.metrics)));
    assert.deepEqual(there.weights, JSON.parse(JSON.stringify(here.weights)));
  });
});
