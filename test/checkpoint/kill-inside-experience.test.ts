import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import { readMetrics, runExample, runFolder } from '../helpers/example-runner.js';
import { runExampleAtPhases, type Phase } from '../helpers/phase-runner.js';

/** Synthetic: 5 experiences of 120 samples, batches of 32, 2 epochs: 8 iterations per experience. */
const CONFIGS: string[][] = [
  [], // the main job's default: task-incremental, multi-head, replay
  ['--scenario', 'class', '--plugins', 'gdumb', 'lwf'],
];

/** Kill at the n-th optimizer step (from 0) of the process, exactly there. */
const atStep = (n: number) => {
  let seen = 0;
  return (p: Phase): 'kill' | 'go' => (p.kind === 'step' && seen++ === n ? 'kill' : 'go');
};

describe('SIGKILL inside experiences with --checkpoint-every', () => {
  for (const config of CONFIGS) {
    it(`${config.join(' ') || 'default'}: killed inside experiences, resumed at iterations, ends with the metrics of a run never killed`, async () => {
      const base = ['--benchmark', 'synthetic', '--epochs', '2', ...config];
      const straight = runFolder('midexp-ref');
      const ref = await runExample([...base, ...straight.args]);
      assert.equal(ref.code, 0, ref.stderr);
      const expected = readMetrics(straight.metrics);
      assert.equal(expected.size, 5);

      const run = runFolder('midexp-killed');
      const args = [...base, ...run.args];
      const log: string[] = [];
      // Steps into each process. The first checkpoints every iteration and dies at its
      // 7th step: with one background write in flight, the newest durable checkpoint is
      // one of iterations 5-7, all in epoch 1 of experience 0. The others checkpoint every
      // 3 iterations (--checkpoint-every is per session) and die wherever that lands.
      for (const [step, every] of [[6, 1], [7, 3], [12, 3], [18, 3]] as const) {
        const result = await runExampleAtPhases([...args, '--checkpoint-every', String(every)], atStep(step));
        log.push(`kill at step ${step}: ${result.signal ?? result.code} — ${result.stdout.split('\n').find((l) => l.includes('resumed at')) ?? 'new run'}`);
        assert.equal(result.signal, 'SIGKILL', `never reached step ${step}:\n${log.join('\n')}\n${result.stdout}\n${result.stderr}`);
      }
      const last = await runExample([...args, '--checkpoint-every', '3']);
      assert.equal(last.code, 0, `${log.join('\n')}\n${last.stdout}\n${last.stderr}`);
      log.push(last.stdout.split('\n').find((l) => l.includes('resumed at')) ?? '');
      const resumes = log.filter((l) => /resumed at experience \d+, epoch \d+, iteration \d+/.test(l));
      assert.ok(resumes.length >= 3, `resumes at an iteration, not at an experience's start:\n${log.join('\n')}`);
      assert.ok(log.some((l) => /epoch 1, iteration/.test(l)), `a resume in an epoch other than the first:\n${log.join('\n')}`);
      const got = readMetrics(run.metrics);
      assert.deepEqual([...got.keys()], [...expected.keys()], log.join('\n'));
      for (const [name, bytes] of expected) assert.ok(got.get(name)!.equals(bytes), `${name} differs after the kills:\n${log.join('\n')}\n${got.get(name)}\nexpected\n${bytes}`);
      fs.rmSync(straight.dir, { recursive: true, force: true });
      fs.rmSync(run.dir, { recursive: true, force: true });
    });
  }
});
