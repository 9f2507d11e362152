import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { readMetrics, runExample, runFolder } from '../helpers/example-runner.js';

const BASE = ['--benchmark', 'synthetic', '--plugins', 'replay', 'ewc'];

describe('SIGKILL at random moments', () => {
  it('a run killed again and again, also in the middle of saves, finishes with the metrics of one never killed', async () => {
    const straight = runFolder('kill-ref');
    const started = Date.now();
    const ref = await runExample([...BASE, ...straight.args]);
    const runMs = Date.now() - started;
    assert.equal(ref.code, 0, ref.stderr);
    const expected = readMetrics(straight.metrics);

    const run = runFolder('killed');
    const random = seedrandom('reprise kill test');
    let kills = 0;
    let killsDuringSave = 0;
    const log: string[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      // The first 12 attempts are killed. Even ones after a random delay within a run's
      // length; odd ones the moment a save creates its temporary file, that is, in the
      // middle of writing a checkpoint. Later attempts run to the end.
      const killing = attempt < 12;
      const duringSave = killing && attempt % 2 === 1;
      let watcher: fs.FSWatcher | undefined;
      let timer: NodeJS.Timeout | undefined;
      const result = await runExample([...BASE, ...run.args], (child) => {
        if (duringSave) {
          fs.mkdirSync(run.checkpoints, { recursive: true });
          watcher = fs.watch(run.checkpoints, (_event, name) => {
            if (name?.endsWith('.tmp')) child.kill('SIGKILL');
          });
        } else if (killing) {
          timer = setTimeout(() => child.kill('SIGKILL'), Math.floor((0.2 + 0.7 * random()) * runMs));
        }
      });
      watcher?.close();
      clearTimeout(timer);
      log.push(`attempt ${attempt}: ${result.signal ?? result.code} ${result.stdout.trim().split('\n').pop()}`);
      if (result.signal === 'SIGKILL') {
        kills++;
        if (duringSave) killsDuringSave++;
        continue;
      }
      assert.equal(result.code, 0, `a restart failed (the last checkpoint must always load):\n${result.stdout}\n${result.stderr}`);
      if (/done: 5 experiences trained/.test(result.stdout)) break;
    }
    assert.ok(kills >= 3, `the run was killed ${kills} times; the test needs several:\n${log.join('\n')}`);
    assert.ok(killsDuringSave >= 1, `no kill hit a save:\n${log.join('\n')}`);
    const got = readMetrics(run.metrics);
    assert.deepEqual([...got.keys()], [...expected.keys()]);
    for (const [name, bytes] of expected) assert.ok(got.get(name)!.equals(bytes), `${name} differs after ${kills} kills:\n${log.join('\n')}`);
    const leftovers = fs.readdirSync(run.checkpoints).filter((f) => !/^\d+\.reprise$/.test(f));
    assert.ok(leftovers.every((f) => f.endsWith('.tmp')), `unexpected files: ${leftovers}`);
  });
});
