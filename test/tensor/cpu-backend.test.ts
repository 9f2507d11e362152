import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));

describe('tensor layer on the plain JavaScript backend', () => {
  it('the codec and exact-resume tests pass with REPRISE_BACKEND=cpu too', () => {
    const files = ['./tensor-codec.test.js', './model-codec.test.js', './optimizer-codec.test.js', './resume.test.js', './section-load.test.js'].map(here);
    // NODE_TEST_CONTEXT, set by the outer runner, would make the inner one report upwards instead of running.
    const { NODE_TEST_CONTEXT: _ignored, ...env } = process.env;
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], {
      encoding: 'utf8',
      env: { ...env, REPRISE_BACKEND: 'cpu', REPRISE_QUIET: '1' },
      timeout: 240_000,
    });
    assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
    const passed = Number(/^# pass (\d+)/m.exec(run.stdout)?.[1]);
    assert.ok(passed >= 50, `the inner run passed ${passed} tests`);
  });
});
