import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { TextLogger } from '../../../src/cl/logging/text-logger.js';
import { CheckpointError } from '../../../src/errors.js';
import { FakeRun, listFiles, restoreAsCheckpointWould, tempDir } from './fixtures.js';

const EXPECTED_EXP0 = `-- >> Start of training phase << --
-- Starting training on experience 0 (Task 0) from train stream --
Epoch 1 ended.
\tLoss_Epoch/train_phase/train_stream/Task000 = 0.5000
\tLoss_MB/train_phase/train_stream/Task000 = 0.3333
\tTop1_Acc_Epoch/train_phase/train_stream/Task000 = 0.5000
Epoch 2 ended.
\tLoss_Epoch/train_phase/train_stream/Task000 = 0.4900
\tLoss_MB/train_phase/train_stream/Task000 = 0.1667
\tTop1_Acc_Epoch/train_phase/train_stream/Task000 = 0.5100
-- >> End of training phase << --
-- >> Start of eval phase << --
-- Starting eval on experience 0 (Task 0) from test stream --
> Eval on experience 0 (Task 0) from test stream ended.
\tLoss_Exp/eval_phase/test_stream/Task000/Exp000 = 1.7500
\tTop1_Acc_Exp/eval_phase/test_stream/Task000/Exp000 = 0.2500
-- >> End of eval phase << --
\tTop1_Acc_Stream/eval_phase/test_stream/Task000 = 0.3750
`;

test('TextLogger writes phase lines and the last value of each metric, sorted by name', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'sub', 'log.txt');
  const logger = new TextLogger(file);
  const run = new FakeRun([logger]);
  run.experiences(0);
  logger.close();
  assert.equal(fs.readFileSync(file, 'utf8'), EXPECTED_EXP0);
  assert.equal(logger.path, file);
});

test('TextLogger: constructing and discarding a logger creates and truncates nothing', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  new TextLogger(path.join(dir, 'new', 'log.txt'));
  assert.deepEqual(listFiles(dir), []);
  assert.equal(fs.existsSync(path.join(dir, 'new')), false);
  const existing = path.join(dir, 'log.txt');
  fs.writeFileSync(existing, 'the previous run\n');
  new TextLogger(existing).close();
  assert.equal(fs.readFileSync(existing, 'utf8'), 'the previous run\n');
});

test('TextLogger: a fresh logger starts its file empty on the first line', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'log.txt');
  fs.writeFileSync(file, 'a crashed run before any checkpoint\n');
  const logger = new TextLogger(file);
  new FakeRun([logger]).train(0);
  logger.close();
  assert.ok(fs.readFileSync(file, 'utf8').startsWith('-- >> Start of training phase << --\n'));
});

test('TextLogger restored from a checkpoint appends after a resume line', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'log.txt');
  const first = new TextLogger(file);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  first.close(); // the process dies; its descriptor goes with it

  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();

  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith(EXPECTED_EXP0), 'what the first process wrote is kept');
  const rest = text.slice(EXPECTED_EXP0.length).split('\n');
  assert.match(rest[0]!, /^\[TextLogger\] Resuming from checkpoint\. Current time is \d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}$/);
  assert.equal(rest[1], '-- >> Start of training phase << --');
  assert.equal(rest[2], '-- Starting training on experience 1 (Task 0) from train stream --');
  assert.equal(text.split('Resuming from checkpoint').length, 2, 'one resume line');

  // the resumed part is what an uninterrupted run writes for experience 1
  const straightFile = path.join(dir, 'straight.txt');
  const straight = new TextLogger(straightFile);
  const straightRun = new FakeRun([straight]);
  straightRun.experiences(0, 1);
  straight.close();
  assert.equal(rest.slice(1).join('\n'), fs.readFileSync(straightFile, 'utf8').slice(EXPECTED_EXP0.length));
});

test('TextLogger: what a killed process wrote after the checkpoint, a partial line included, is cut off on resume', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'log.txt');
  const first = new TextLogger(file);
  new FakeRun([first]).train(0);
  const restored = restoreAsCheckpointWould(first);
  const atCheckpoint = fs.readFileSync(file, 'utf8');
  new FakeRun([first]).eval(0); // the killed process goes on past the checkpoint…
  first.close();
  fs.appendFileSync(file, '\tLoss_Epoch/train_pha'); // …and dies in the middle of a line
  new FakeRun([restored]).eval(0);
  restored.close();
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.startsWith(atCheckpoint), 'the lines before the checkpoint are kept');
  const rest = text.slice(atCheckpoint.length).split('\n');
  assert.match(rest[0]!, /Resuming from checkpoint/);
  assert.ok(!text.includes('train_pha\n') && !/train_pha[^s]/.test(text), 'the partial line is gone');
  assert.equal(text.split('-- >> Start of eval phase << --').length - 1, 1, 'the eval report is in the file once');
});

test('TextLogger: a file shorter than the checkpoint says (edited by hand) is kept, an unterminated line ended', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'log.txt');
  const first = new TextLogger(file);
  new FakeRun([first]).train(0);
  const restored = restoreAsCheckpointWould(first);
  first.close();
  fs.writeFileSync(file, 'kept\tpartial');
  new FakeRun([restored]).eval(0);
  restored.close();
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  assert.equal(lines[0], 'kept\tpartial');
  assert.match(lines[1]!, /Resuming from checkpoint/);
});

test('TextLogger: after close() the next line reopens the file and appends, without a resume line', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'log.txt');
  const logger = new TextLogger(file);
  const run = new FakeRun([logger]);
  run.train(0);
  logger.close();
  logger.close();
  run.eval(0);
  logger.close();
  assert.equal(fs.readFileSync(file, 'utf8'), EXPECTED_EXP0);
});

test('TextLogger: a path it cannot write is a CheckpointError LOG_IO naming the file', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new TextLogger(dir); // a directory
  assert.throws(
    () => new FakeRun([logger]).train(0),
    (err: unknown) => err instanceof CheckpointError && err.code === 'LOG_IO' && err.message.includes(dir),
  );
});
