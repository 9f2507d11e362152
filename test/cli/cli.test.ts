import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { CheckpointError, CheckpointFormatError } from '../../src/errors.js';
import { formatReport, inspectBytes } from '../../src/cli/inspect.js';
import { concatChunks, openContainer, packContainer } from '../../src/format/index.js';
import { deserialize, serialize } from '../../src/index.js';
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

  it('names packs of small tensors and counts their bytes as tensor bytes', async () => {
    const tf = await import('@tensorflow/tfjs');
    const tensors = Array.from({ length: 40 }, () => tf.zeros([100]));
    const report = inspectBytes(serialize(tensors));
    assert.equal(report.formatVersion, 2);
    assert.deepEqual(report.sections.filter((s) => s.kind === 'bytes').map((s) => s.device), ['cpu']);
    assert.ok(report.tensorBytes >= 40 * 400, `tensorBytes ${report.tensorBytes}`);
    assert.match(formatReport('f', report), /pack of small tensors on cpu/);
    tf.dispose(tensors);
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

  it('verify on the command line and load agree on a corrupted-file corpus', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cli-'));
    const good = serialize({ list: [1, 2, { m: new Map([['k', new Set([1n])]]) }], buf: new Uint8Array(5000).fill(3), when: new Date(0) });
    const files: string[] = [];
    const expected: string[] = [];
    const add = (name: string, bytes: Uint8Array) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, bytes);
      files.push(file);
      try {
        deserialize(bytes);
        expected.push('OK');
      } catch (err) {
        assert.ok(err instanceof CheckpointError, String(err));
        expected.push(err.code);
      }
    };
    add('good.reprise', good);
    for (let n = 0; n < good.length; n += 997) add(`cut-${n}.reprise`, good.subarray(0, n));
    for (let i = 0; i < good.length; i += 613) {
      const copy = good.slice();
      copy[i]! ^= 0x10;
      add(`flip-${i}.reprise`, copy);
    }
    const r = spawnSync(process.execPath, [cli, 'verify', ...files], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const lines = r.stdout.trim().split('\n');
    assert.equal(lines.length, files.length);
    lines.forEach((line, i) => {
      const code = line.includes(': OK') ? 'OK' : /\[([A-Z_]+)\]/.exec(line)?.[1];
      assert.equal(code, expected[i], `${path.basename(files[i]!)}: ${line}`);
    });
    assert.ok(new Set(expected).size >= 4, `the corpus covers several codes: ${[...new Set(expected)].join(', ')}`);
  });

  it('usage errors exit 2 with a one-line message and the usage hint, no stack trace', () => {
    const run = (...args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
    for (const args of [['frobnicate'], ['inspect'], ['verify'], ['inspect', '--sections', 'many', 'x'], ['inspect', '--nope', 'x'], []]) {
      const r = run(...args);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');
    }
    assert.equal(run('--help').status, 0);
    assert.equal(run('--version').status, 0);
  });

  it('a file that cannot be read exits 1 with one line; REPRISE_DEBUG adds the stack', () => {
    const missing = path.join(os.tmpdir(), 'reprise-no-such-file.reprise');
    const r = spawnSync(process.execPath, [cli, 'inspect', missing], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /ENOENT/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    assert.equal(r.stderr.trim().split('\n').length, 1);
    const v = spawnSync(process.execPath, [cli, 'verify', missing], { encoding: 'utf8' });
    assert.equal(v.status, 1);
    assert.match(v.stdout, /BROKEN .*ENOENT/);
    const debug = spawnSync(process.execPath, [cli, 'inspect', missing], { encoding: 'utf8', env: { ...process.env, REPRISE_DEBUG: '1' } });
    assert.equal(debug.status, 1);
    assert.match(debug.stderr, /^\s+at /m, 'the stack with REPRISE_DEBUG');
  });

  it('verify builds models and optimizers as load does: a topology tfjs refuses is BROKEN; device tags need --map-location as load needs mapLocation', async () => {
    const tf = await import('@tensorflow/tfjs');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cli-'));
    const m = tf.sequential({ layers: [tf.layers.dense({ units: 2, inputShape: [3], name: 'cli' })] });
    m.compile({ optimizer: tf.train.adam(0.01), loss: 'meanSquaredError' });
    const good = serialize({ m });
    const files = { good: path.join(dir, 'good.reprise'), refused: path.join(dir, 'refused.reprise'), gpu: path.join(dir, 'gpu.reprise') };
    fs.writeFileSync(files.good, good);
    // The activation renamed in the stored config (the same length), checksums re-sealed.
    const c = openContainer(good);
    const graph = Buffer.from(c.graph);
    assert.ok(graph.indexOf('"activation":"linear"') > 0);
    graph.write('"activation":"nopear"', graph.indexOf('"activation":"linear"'), 'latin1');
    const sections = c.header.sections.slice(1).map((s, i) => ({ kind: s.kind as 'bytes' | 'tensor', data: c.section(i + 1), dtype: s.dtype, shape: s.shape, device: s.device }));
    const refused = concatChunks(packContainer({ graph, sections, writer: 'test', backend: '' }));
    fs.writeFileSync(files.refused, refused);
    fs.writeFileSync(files.gpu, serialize({ m }, { deviceTag: 'cuda:0' }));
    m.dispose();
    const expected = [deserializeOutcome(good), deserializeOutcome(refused), deserializeOutcome(fs.readFileSync(files.gpu))];
    assert.deepEqual(expected, ['OK', 'MODEL_REBUILD', 'DEVICE_MAPPING']);
    const r = spawnSync(process.execPath, [cli, 'verify', files.good, files.refused, files.gpu], { encoding: 'utf8' });
    assert.equal(r.status, 1);
    const codes = r.stdout.trim().split('\n').map((line) => (line.includes(': OK') ? 'OK' : /\[([A-Z_]+)\]/.exec(line)?.[1]));
    assert.deepEqual(codes, expected, r.stdout);
    const mapped = spawnSync(process.execPath, [cli, 'verify', '--map-location', 'cpu', files.good, files.gpu], { encoding: 'utf8' });
    assert.equal(mapped.status, 0, mapped.stdout);
  });
});

/** The code `deserialize` gives for `bytes`, or OK. */
function deserializeOutcome(bytes: Uint8Array): string {
  try {
    const value = deserialize(bytes) as { m?: { dispose(): void } };
    value.m?.dispose();
    return 'OK';
  } catch (err) {
    assert.ok(err instanceof CheckpointError, String(err));
    return err.code;
  }
}
