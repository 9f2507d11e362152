import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CheckpointFormatError } from '../../src/errors.js';
import { inspectBytes } from '../../src/cli/inspect.js';
import { serialize } from '../../src/index.js';
import { ROUND_TRIP_FIXTURES } from '../graph/fixtures.js';

const cli = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

describe('reprise inspect / verify', () => {
  it('summarizes every fixture without decoding it', () => {
    for (const f of ROUND_TRIP_FIXTURES) {
      const report = inspectBytes(serialize(f.value()));
      assert.equal(report.formatVersion, 1, f.name);
    }
    const shared = { x: 1 };
    const report = inspectBytes(serialize({ a: shared, b: shared, m: new Map([[1, [1, 2]]]) }));
    assert.equal(report.graph.references, 1);
    assert.equal(report.graph.objects.Map, 1);
    assert.equal(report.graph.objects.Array, 1);
  });

  it('rejects a broken file with its format error', () => {
    const bytes = serialize({ a: new Float32Array(2000) });
    bytes[bytes.length - 5]! ^= 1;
    assert.throws(() => inspectBytes(bytes), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'SECTION_CHECKSUM');
  });

  it('the command prints a report, and verify exits 1 on a broken file', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cli-'));
    const good = path.join(dir, 'good.reprise');
    const bad = path.join(dir, 'bad.reprise');
    fs.writeFileSync(good, serialize({ list: [1, 2, 3], when: new Date(0) }));
    fs.writeFileSync(bad, serialize({ list: [1] }).subarray(0, 40));
    const inspect = spawnSync(process.execPath, [cli, 'inspect', good], { encoding: 'utf8' });
    assert.equal(inspect.status, 0, inspect.stderr);
    assert.match(inspect.stdout, /reprise checkpoint, format 1/);
    const json = spawnSync(process.execPath, [cli, 'inspect', '--json', good], { encoding: 'utf8' });
    assert.equal(JSON.parse(json.stdout).graph.objects.Date, 1);
    const verify = spawnSync(process.execPath, [cli, 'verify', good, bad], { encoding: 'utf8' });
    assert.equal(verify.status, 1);
    assert.match(verify.stdout, /good\.reprise: OK/);
    assert.match(verify.stdout, /bad\.reprise: BROKEN .*TRUNCATED/);
  });
});
