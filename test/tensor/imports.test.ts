import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const engine = fileURLToPath(new URL('../../src/checkpoint/index.js', import.meta.url));

test('the engine loads tfjs-core only: not tfjs-layers (until a model is met), the tfjs umbrella, converter, data or webgl (a resume pays for what it uses)', () => {
  const script = `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    await import(${JSON.stringify(engine)});
    const packages = new Set(Object.keys(require.cache).map((f) => /node_modules\\/(@tensorflow\\/[^/]+)/.exec(f)?.[1]).filter(Boolean));
    console.log(JSON.stringify([...packages].sort()));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(run.status, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout.trim().split('\n').at(-1)!), ['@tensorflow/tfjs-core']);
});
