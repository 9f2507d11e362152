/** Keeps the standalone bench scripts from rotting: each runs in quick mode and prints its report. No timing is asserted. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { ResumeTime, TorchComparison } from '../../bench/lib/results.js';

const bench = (f: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', f);
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, [bench(file), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, REPRISE_QUIET: '1' } });

test('resume-time --quick (profiling case; npm run bench --quick runs the example\'s) reports the fresh-process resume and each part of it', () => {
  const out = run('resume-time.js', ['--quick', '--kind', 'profiling', '--json']);
  assert.equal(out.status, 0, out.stderr.slice(-2000));
  for (const part of ['node start', 'engine modules', 'backend start', 'load the checkpoint', 'first iteration', 'total to first iteration']) {
    assert.match(out.stdout, new RegExp(`${part} +\\d+ ms`), part);
  }
  const json = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as ResumeTime;
  assert.equal(json.kind, 'profiling');
  assert.ok(json.total.median > 0 && json.parts.loadMs!.median > 0);
});

test('engine-resume reports the engine-only fresh-process resume; tfjs-layers is loaded only when the checkpoint holds a model', () => {
  for (const [args, layers] of [[[], 'false'], [['--model'], 'true']] as const) {
    const out = run('engine-resume.js', ['--runs', '1', ...args]);
    assert.equal(out.status, 0, out.stderr.slice(-2000));
    for (const part of ['node start', 'engine modules', 'backend start', 'load the checkpoint', 'first optimizer step', 'total to first step']) {
      assert.match(out.stdout, new RegExp(`${part} +\\d+ ms`), part);
    }
    assert.match(out.stdout, new RegExp(`tfjs-layers loaded by the import: false; by the end: ${layers}`));
  }
});

// Measured (when Python has torch and dill) by npm run bench --quick: test/bench/quick.test.ts.
test('torch-compare says why it is skipped when the Python has no torch, in text and in its JSON line', () => {
  const skipped = run('torch-compare.js', ['--quick', '--python', '/nonexistent/python3', '--json']);
  assert.equal(skipped.status, 0);
  assert.match(skipped.stdout, /^torch comparison skipped: /);
  const json = JSON.parse(skipped.stdout.trim().split('\n').at(-1)!) as TorchComparison;
  assert.ok('skipped' in json && json.skipped.includes('/nonexistent/python3'));
});
