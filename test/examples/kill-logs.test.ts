import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { readTfEventFile, SessionStatus, type TfEvent } from '../../src/cl/logging/index.js';
import { runExample, runFolder } from '../helpers/example-runner.js';

const BASE = ['--benchmark', 'synthetic', '--plugins', 'replay', '--epochs', '3'];

interface Point {
  tag: string;
  step: number;
  value: number;
}

function eventFiles(dir: string): TfEvent[][] {
  return fs.readdirSync(dir).filter((f) => f.includes('tfevents')).sort().map((f) => readTfEventFile(path.join(dir, f)));
}

function points(events: readonly TfEvent[]): Point[] {
  return events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ tag: v.tag, step: e.step, value: v.simpleValue! })));
}

/** What TensorBoard's Python loader shows: a START purges every point at or after its step. */
function tensorboardView(files: TfEvent[][]): string[] {
  let kept: Point[] = [];
  for (const e of files.flat()) {
    if (e.sessionLog?.status === SessionStatus.START) kept = kept.filter((p) => p.step < e.step);
    kept.push(...points([e]));
  }
  return kept.map((p) => `${p.tag}@${p.step}=${p.value}`).sort();
}

function checkpointCount(dir: string): number {
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => /^\d+\.reprise$/.test(f)).length : 0;
}

/** Rows of the training CSV whose experience has no checkpoint yet. */
function rowsPastCheckpoint(csv: string, checkpoints: number): number {
  return csv.split('\n').slice(1).filter((row) => row !== '' && Number(row.split(',')[0]) >= checkpoints).length;
}

describe('logs after SIGKILL (the example on the synthetic benchmark)', () => {
  it('a run killed while it logs past its last checkpoint resumes with each CSV row and text line once, and TensorBoard hides the orphans', async () => {
    const straight = runFolder('logs-straight');
    const ref = await runExample([...BASE, ...straight.args]);
    assert.equal(ref.code, 0, ref.stderr);
    const refLogs = path.join(straight.dir, 'logs');

    const run = runFolder('logs-killed');
    const logs = path.join(run.dir, 'logs');
    const first = await runExample([...BASE, ...run.args, '--stop-after', '0']);
    assert.equal(first.code, 0, first.stderr);

    // Kill the resumed run the moment its training CSV holds a row of an experience
    // that has no checkpoint yet (retry if the run outpaces the watcher).
    let orphanRows = 0;
    for (let attempt = 0; attempt < 5 && orphanRows === 0; attempt++) {
      const csvPath = path.join(logs, 'training_results.csv');
      let watcher: fs.FSWatcher | undefined;
      const eventFilesBefore = eventFiles(logs).length;
      const result = await runExample([...BASE, ...run.args], (child) => {
        watcher = fs.watch(logs, () => {
          const csv = fs.existsSync(csvPath) ? fs.readFileSync(csvPath, 'utf8') : '';
          const ownEventFile = eventFiles(logs).length > eventFilesBefore;
          if (ownEventFile && rowsPastCheckpoint(csv, checkpointCount(run.checkpoints)) > 0) child.kill('SIGKILL');
        });
      });
      watcher?.close();
      if (result.signal !== 'SIGKILL') {
        assert.equal(result.code, 0, result.stderr);
        break; // finished before the kill: the assertion below says so
      }
      orphanRows = rowsPastCheckpoint(fs.readFileSync(csvPath, 'utf8'), checkpointCount(run.checkpoints));
    }
    assert.ok(orphanRows > 0, 'the killed run had written rows past its last checkpoint');

    const last = await runExample([...BASE, ...run.args]);
    assert.equal(last.code, 0, last.stderr);
    assert.match(last.stdout, /done: 5 experiences trained/);

    for (const csv of ['training_results.csv', 'eval_results.csv']) {
      assert.equal(fs.readFileSync(path.join(logs, csv), 'utf8'), fs.readFileSync(path.join(refLogs, csv), 'utf8'), `${csv} holds each row once`);
    }
    const text = fs.readFileSync(path.join(logs, 'log.txt'), 'utf8').split('\n');
    const resumeLines = text.filter((l) => /Resuming from checkpoint/.test(l));
    assert.ok(resumeLines.length >= 1, 'the resume left its line');
    assert.deepEqual(text.filter((l) => !/Resuming from checkpoint/.test(l)), fs.readFileSync(path.join(refLogs, 'log.txt'), 'utf8').split('\n'), 'the text log reports each step once');

    const files = eventFiles(logs);
    assert.ok(files.length >= 3, 'one event file per process');
    // (a process killed between creating its event file and writing its header leaves it empty, which TensorBoard skips)
    for (const events of files.slice(1).filter((f) => f.length > 0)) {
      const start = events.find((e) => e.sessionLog !== undefined);
      assert.equal(start?.sessionLog?.status, SessionStatus.START, 'every resumed file starts with a START');
    }
    assert.deepEqual(tensorboardView(files), tensorboardView(eventFiles(refLogs)));
  });
});
