import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CSVLogger } from '../../../src/cl/logging/csv-logger.js';
import { FakeRun, fakeStrategy, listFiles, restoreAsCheckpointWould, tempDir } from './fixtures.js';

const TRAINING = `training_exp,epoch,training_accuracy,val_accuracy,training_loss,val_loss
0,1,0.5000,0,0.5000,0
0,2,0.5100,0,0.4900,0
1,1,0.6000,0,0.4000,0
1,2,0.6100,0,0.3900,0
`;
const EVAL = `eval_exp,training_exp,eval_accuracy,eval_loss,forgetting
0,0,0.2500,1.7500,0
0,1,0.2500,1.7500,0
1,1,0.3750,1.6250,0
`;

function read(file: string): string {
  return fs.readFileSync(file, 'utf8');
}

test('CSVLogger writes a row per training epoch and per evaluated experience, as the original', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new CSVLogger(path.join(dir, 'csv'));
  const run = new FakeRun([logger]);
  run.experiences(0, 1);
  logger.close();
  assert.equal(logger.trainingPath, path.join(dir, 'csv', 'training_results.csv'));
  assert.equal(logger.evalPath, path.join(dir, 'csv', 'eval_results.csv'));
  assert.equal(read(logger.trainingPath), TRAINING);
  assert.equal(read(logger.evalPath), EVAL);
});

test('CSVLogger: constructing and discarding a logger creates and truncates nothing', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  new CSVLogger(path.join(dir, 'new'));
  assert.deepEqual(listFiles(dir), []);
  fs.writeFileSync(path.join(dir, 'training_results.csv'), 'kept\n');
  new CSVLogger(dir).close();
  assert.deepEqual(listFiles(dir), ['training_results.csv']);
  assert.equal(read(path.join(dir, 'training_results.csv')), 'kept\n');
});

test('CSVLogger: a fresh logger replaces the files of an earlier run, header first', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  fs.writeFileSync(path.join(dir, 'training_results.csv'), 'old,row\n');
  const logger = new CSVLogger(dir);
  new FakeRun([logger]).train(0);
  logger.close();
  assert.equal(read(logger.trainingPath), TRAINING.split('\n').slice(0, 3).join('\n') + '\n');
});

test('CSVLogger restored from a checkpoint appends, without a second header', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = new CSVLogger(dir);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  first.close();
  assert.equal(restored.dir, dir, 'a restored logger knows where it writes');

  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();
  assert.equal(read(restored.trainingPath), TRAINING);
  assert.equal(read(restored.evalPath), EVAL);
});

test('CSVLogger: a partial last row left by a killed process is cut off on resume', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = new CSVLogger(dir);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  first.close();
  fs.appendFileSync(first.trainingPath, '1,1,0.60');
  fs.appendFileSync(first.evalPath, '0,1,0.2500,1.75');

  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();
  assert.equal(read(restored.trainingPath), TRAINING);
  assert.equal(read(restored.evalPath), EVAL);
});

test('CSVLogger: a restored logger whose files are gone starts them again with a header', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = new CSVLogger(dir);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  first.close();
  fs.rmSync(first.trainingPath);
  fs.writeFileSync(first.evalPath, '');
  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();
  assert.equal(read(restored.trainingPath), [TRAINING.split('\n')[0], ...TRAINING.split('\n').slice(3)].join('\n'));
  assert.equal(read(restored.evalPath), [EVAL.split('\n')[0], ...EVAL.split('\n').slice(2)].join('\n'));
});

test('CSVLogger: an eval inside training is validation: it fills val_accuracy/val_loss and writes no eval row', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new CSVLogger(dir);
  const s = fakeStrategy();
  s.experience = { currentExperience: 2, taskLabels: [0], originStream: { name: 'train' } };
  logger.beforeTraining(s);
  logger.beforeTrainingExp(s);
  logger.beforeTrainingEpoch(s);
  logger.beforeEval(s);
  logger.beforeEvalExp(s);
  logger.logMetrics([
    { name: 'Top1_Acc_Exp/eval_phase/valid_stream/Task000/Exp002', value: 0.75, xPlot: 3 },
    { name: 'Loss_Exp/eval_phase/valid_stream/Task000/Exp002', value: 0.125, xPlot: 3 },
  ]);
  logger.afterEvalExp(s);
  logger.afterEval(s);
  s.clock.trainExpEpochs = 1;
  logger.logMetrics([
    { name: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', value: { 0: 0.5, 1: 1 }, xPlot: 3 },
    { name: 'Top1_Acc_Epoch/train_phase/other_stream/Task000', value: 0.99, xPlot: 3 },
  ]);
  logger.afterTrainingEpoch(s);
  logger.afterTraining(s);
  logger.close();
  assert.equal(
    read(logger.trainingPath),
    'training_exp,epoch,training_accuracy,val_accuracy,training_loss,val_loss\n2,1,"{0: 0.5000, 1: 1.0000}",0.7500,0,0.1250\n',
  );
  assert.equal(fs.existsSync(logger.evalPath), false);
});
