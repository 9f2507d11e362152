/** Keeps the standalone bench scripts from rotting: each runs in quick mode and prints its report. No timing is asserted. */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const bench = (f: string) => path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', f);
const run = (file: string, args: string[]) =>
  spawnSync(process.execPath, [bench(file), ...args], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, REPRISE_QUIET: '1' } });

test('resume-time --quick reports the fresh-process resume and each part of it', () => {
  const out = run('resume-time.js', ['--quick']);
  assert.equal(out.status, 0, out.stderr.slice(-2000));
  for (const part of ['node start', 'engine modules', 'backend start', 'load the checkpoint', 'first iteration', 'total to first iteration']) {
    assert.match(out.stdout, new RegExp(`${part} +\\d+ ms`), part);
  }
});

test('torch-compare --quick compares with torch.save/torch.load, or says why it is skipped', () => {
  const out = run('torch-compare.js', ['--quick']);
  assert.equal(out.status, 0, out.stderr.slice(-2000));
  assert.match(out.stdout, /^(torch comparison skipped: .+|[\s\S]*save: reprise [\d.]+ ms, torch [\d.]+ ms[\s\S]*load: reprise [\d.]+ ms, torch [\d.]+ ms[\s\S]*)$/m);
  const skipped = run('torch-compare.js', ['--quick', '--python', '/nonexistent/python3']);
  assert.equal(skipped.status, 0);
  assert.match(skipped.stdout, /^torch comparison skipped: /);
});
