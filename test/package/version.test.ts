import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { it } from 'node:test';
import { WRITER } from '../../src/checkpoint/writer.js';
import { VERSION } from '../../src/version.js';

it('the compiled-in version (no package.json read at run time) is package.json\'s', () => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  assert.equal(VERSION, pkg.version, 'update src/version.ts with package.json');
  assert.equal(WRITER, `reprise ${pkg.version}`);
});
