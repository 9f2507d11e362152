import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { InteractiveLogger } from '../../../src/cl/logging/interactive-logger.js';
import type { OutputStream } from '../../../src/cl/logging/progress-display.js';
import { FakeRun, fakeStrategy, restoreAsCheckpointWould } from './fixtures.js';

class Capture implements OutputStream {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns = 100,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

const TIME = /in \d+\.\d\d s$/gm;

const EXPECTED_EXP0 = `-- >> Start of training phase << --
-- Starting training on experience 0 (Task 0) from train stream --
[progress] training exp 0, epoch 1: 3/3 iterations in T
Epoch 1 ended.
\tLoss_Epoch/train_phase/train_stream/Task000 = 0.5000
\tLoss_MB/train_phase/train_stream/Task000 = 0.3333
\tTop1_Acc_Epoch/train_phase/train_stream/Task000 = 0.5000
[progress] training exp 0, epoch 2: 3/3 iterations in T
Epoch 2 ended.
\tLoss_Epoch/train_phase/train_stream/Task000 = 0.4900
\tLoss_MB/train_phase/train_stream/Task000 = 0.1667
\tTop1_Acc_Epoch/train_phase/train_stream/Task000 = 0.5100
-- >> End of training phase << --
-- >> Start of eval phase << --
-- Starting eval on experience 0 (Task 0) from test stream --
[progress] eval exp 0: 2/2 iterations in T
> Eval on experience 0 (Task 0) from test stream ended.
\tLoss_Exp/eval_phase/test_stream/Task000/Exp000 = 1.7500
\tTop1_Acc_Exp/eval_phase/test_stream/Task000/Exp000 = 0.2500
-- >> End of eval phase << --
\tTop1_Acc_Stream/eval_phase/test_stream/Task000 = 0.3750
`;

test('InteractiveLogger off a terminal writes the report and one plain progress line per epoch and eval experience', () => {
  const out = new Capture(false);
  const logger = new InteractiveLogger({ stream: out });
  const run = new FakeRun([logger]);
  run.experiences(0);
  logger.close();
  assert.equal(out.text.replace(TIME, 'in T'), EXPECTED_EXP0);
  assert.doesNotMatch(out.text, /\x1b/, 'no terminal control codes');
});

test('InteractiveLogger on a terminal draws a cli-progress bar, stopped before the epoch report', () => {
  const out = new Capture(true);
  const logger = new InteractiveLogger({ stream: out });
  const run = new FakeRun([logger]);
  run.train(0);
  logger.close();
  assert.match(out.text, /\x1b\[/, 'the bar moves the cursor');
  assert.doesNotMatch(out.text, /\[progress\]/);
  const bar = out.text.indexOf('training exp 0, epoch 1 |');
  const report = out.text.indexOf('Epoch 1 ended.');
  assert.ok(bar >= 0 && bar < report, 'bar first, then the report');
  assert.match(out.text.slice(bar, report), /[█░]+\| 3\/3 it/);
  assert.match(out.text, /training exp 0, epoch 2 \|[█░]+\| 3\/3 it/);
});

test('InteractiveLogger on a terminal without a known loader length shows a counter', () => {
  const out = new Capture(true);
  const logger = new InteractiveLogger({ stream: out });
  const s = fakeStrategy();
  logger.beforeTrainingEpoch(s);
  logger.afterTrainingIteration(s);
  logger.afterTrainingIteration(s);
  logger.close();
  assert.match(out.text, /training exp \?, epoch 1 \| 2 it/);
});

test('InteractiveLogger: constructing one writes nothing', () => {
  const out = new Capture();
  new InteractiveLogger({ stream: out }).close();
  assert.equal(out.text, '');
  assert.equal(new InteractiveLogger().stream, process.stdout);
});

test('InteractiveLogger restored from a checkpoint prints a resume line, then reports where the run is', () => {
  const first = new InteractiveLogger({ stream: new Capture() });
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  assert.equal(restored.stream, undefined, 'the stream is not stored');
  const out = new Capture();
  restored.stream = out;
  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  restored.close();
  const lines = out.text.split('\n');
  assert.match(lines[0]!, /^\[InteractiveLogger\] Resuming from checkpoint\. Current time is /);
  assert.equal(lines[1], '-- >> Start of training phase << --');
  assert.equal(lines[2], '-- Starting training on experience 1 (Task 0) from train stream --');
  assert.match(lines[3]!, /^\[progress\] training exp 1, epoch 1: 3\/3 iterations/);
  assert.equal(out.text.split('Resuming').length, 2, 'one resume line');
});

test('InteractiveLogger restored in the middle of an epoch starts its bar at the clock', () => {
  const first = new InteractiveLogger({ stream: new Capture() });
  const restored = restoreAsCheckpointWould(first);
  const out = new Capture();
  restored.stream = out;
  const s = fakeStrategy();
  s.experience = { currentExperience: 4, taskLabels: [0], originStream: { name: 'train' } };
  s.dataloader = { length: 5 };
  s.clock.trainEpochIterations = 3;
  restored.afterTrainingIteration(s);
  restored.afterTrainingIteration(s);
  restored.close();
  assert.match(out.text, /^\[progress\] training exp 4: 5\/5 iterations in /m);
  assert.doesNotMatch(out.text, /Resuming/, 'a logger that had written nothing has nothing to resume');
});

test('InteractiveLogger given process.stderr is restored onto process.stderr', (t) => {
  const written: string[] = [];
  t.mock.method(process.stderr, 'write', (chunk: string) => {
    written.push(chunk);
    return true;
  });
  const first = new InteractiveLogger({ stream: process.stderr });
  const restored = restoreAsCheckpointWould(first);
  restored.beforeEval(fakeStrategy());
  assert.equal(restored.stream, process.stderr);
  assert.deepEqual(written, ['-- >> Start of eval phase << --\n']);
});

test('a bar left running (a run stopped mid-epoch) does not keep the process alive', () => {
  const loggerUrl = new URL('../../../src/cl/logging/interactive-logger.js', import.meta.url).href;
  const script = `
    const { InteractiveLogger } = await import(${JSON.stringify(loggerUrl)});
    const logger = new InteractiveLogger({ stream: { isTTY: true, columns: 80, write: () => true } });
    logger.beforeTrainingEpoch({ dataloader: { length: 5 } });
    logger.afterTrainingIteration({});
  `;
  // The timeout only catches a hang (the bug this pins); it is generous so that a slow, loaded machine never trips it.
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 120_000 });
  assert.equal(child.error, undefined, 'the child exited by itself');
  assert.equal(child.status, 0, child.stderr.toString());
});
