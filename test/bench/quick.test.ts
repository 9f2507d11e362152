/**
 * Keeps the benchmark from rotting: runs `npm run bench -- --quick` once (into a temporary
 * folder, not bench/results/) and checks that it wrote well-formed output. Never asserts
 * timings: quick numbers mean nothing; the README quotes a full run.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from '../../bench/lib/results.js';

const RUN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'run.js');

test('bench --quick runs every case and writes the JSON, the Markdown table and the scaling chart', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-bench-test-'));
  try {
    const run = spawnSync(process.execPath, [RUN, '--quick', '--out', out], { encoding: 'utf8', timeout: 600_000, env: { ...process.env, REPRISE_QUIET: '1' } });
    assert.equal(run.status, 0, `bench exited with ${run.status}: ${run.stderr.slice(-2000)}`);
    assert.match(run.stdout, /targets: \d+ PASS, \d+ MISS/);

    const results = JSON.parse(fs.readFileSync(path.join(out, 'latest.json'), 'utf8')) as BenchResults;
    assert.equal(results.schema, 1);
    assert.equal(results.mode, 'quick');
    assert.ok(results.machine.cores > 0 && results.machine.cpu.length > 0);
    assert.deepEqual(results.cases.map((c) => c.name), ['strategy', 'strategy-replay', 'tensor-throughput', 'object-graph', 'scaling']);
    for (const c of results.cases) {
      for (const v of c.variants) {
        for (const [name, s] of Object.entries(v.subjects)) {
          assert.notEqual(s?.status, 'error', `${c.name}/${v.id}/${name}: ${s?.status === 'error' ? s.reason : ''}`);
          if (s?.status !== 'ok') continue;
          assert.ok(s.measure.fileBytes > 0, `${c.name}/${v.id}/${name} wrote no bytes`);
          for (const t of [s.measure.save, s.measure.loadWarm]) assert.ok(t.samples.length === results.reps && Number.isFinite(t.median) && t.median > 0);
          assert.ok(s.loadMemory && s.loadMemory.memory.peak > 0, `${c.name}/${v.id}/${name} has no load memory`);
        }
        assert.equal(v.subjects.reprise?.status, 'ok', `${c.name}/${v.id}: reprise was not measured`);
      }
    }
    assert.ok(results.dedup, 'the de-duplication case did not run');
    for (const s of results.dedup.series) {
      assert.equal(s.error, undefined);
      assert.equal(s.cycles.length, results.dedup.params.cycles);
    }
    assert.ok(results.targets.length > 0 && results.targets.every((t) => typeof t.pass === 'boolean'));
    const blocking = results.saveBlocking;
    assert.ok(blocking && blocking.error === undefined, `save blocking was not measured: ${blocking?.error}`);
    assert.equal(blocking.rows.length, 3);
    for (const r of blocking.rows) assert.ok(Number.isFinite(r.blocked) && r.blocked > 0 && r.durable >= r.blocked, JSON.stringify(r));

    // The fresh-process resume of the example's run, with its parts.
    assert.deepEqual(results.resume?.map((r) => r.kind), ['replay']);
    const resume = results.resume![0]!;
    assert.ok(resume.fileBytes > 0 && resume.total.median > 0);
    for (const part of ['boot', 'engineMs', 'clMs', 'backendMs', 'buildMs', 'loadMs', 'iterationMs']) assert.ok(resume.parts[part]!.median >= 0, part);
    assert.ok(results.targets.some((t) => t.metric === 'resume'));
    // The torch comparison: measured when Python has torch and dill, else skipped with the reason.
    assert.ok(results.torch, 'the torch comparison did not run');
    if ('skipped' in results.torch) {
      assert.match(results.torch.skipped, /torch comparison (skipped|failed): /);
      assert.ok(run.stdout.includes(results.torch.skipped));
    } else {
      for (const side of [results.torch.reprise, results.torch.torch]) assert.ok(side.save.median > 0 && side.load.median > 0);
      assert.ok(results.torch.torchBytes > 0 && results.torch.repriseBytes > 0);
      assert.equal(results.targets.filter((t) => t.metric === 'torch').length, 2);
      assert.match(run.stdout, /load: reprise .+, torch .+ \(reprise ÷ torch/);
    }

    const table = fs.readFileSync(path.join(out, 'table.md'), 'utf8');
    assert.match(table, /^\| case \| metric \| reprise \|/m);
    assert.match(table, /^### Resuming in a fresh process$/m);
    assert.match(table, /^\| profiling case, saveCheckpoint\(\) \| [\d.]+ \| [\d.]+ \|/m);
    assert.ok(table.includes(results.machine.cpu) && table.includes(`"${results.backend}"`));
    assert.match(fs.readFileSync(path.join(out, 'scaling.svg'), 'utf8'), /^<svg[\s\S]*<\/svg>\s*$/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
