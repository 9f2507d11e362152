import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { TensorboardLogger } from '../../../src/cl/logging/tensorboard-logger.js';
import { SessionStatus, TF_EVENT_FILE_VERSION, type TfEvent } from '../../../src/cl/logging/tf-event.js';
import { readTfEventFile } from '../../../src/cl/logging/tfrecord-reader.js';
import { FakeRun, listFiles, restoreAsCheckpointWould, tempDir } from './fixtures.js';

interface Point {
  tag: string;
  step: number;
  value: number;
}

function pointsOf(events: readonly TfEvent[]): Point[] {
  return events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ tag: v.tag, step: e.step, value: v.simpleValue! })));
}

/** The event files of a run folder in the order TensorBoard reads them: by name. */
function runEvents(dir: string): TfEvent[][] {
  return listFiles(dir)
    .filter((f) => f.includes('tfevents'))
    .map((f) => readTfEventFile(path.join(dir, f)));
}

/**
 * What TensorBoard's Python loader keeps (file_version >= 2): a SessionLog START at
 * step s purges every point seen so far with step >= s, in every tag.
 */
function pythonLoaderView(files: TfEvent[][]): Point[] {
  let points: Point[] = [];
  for (const e of files.flat()) {
    if (e.sessionLog?.status === SessionStatus.START) points = points.filter((p) => p.step < e.step);
    points.push(...pointsOf([e]));
  }
  return points;
}

/** What TensorBoard's Rust data server keeps: a point at step s preempts its tag's points with step >= s. */
function rustLoaderView(files: TfEvent[][]): Point[] {
  let points: Point[] = [];
  for (const p of pointsOf(files.flat())) {
    points = points.filter((q) => q.tag !== p.tag || q.step < p.step);
    points.push(p);
  }
  return points;
}

const byTagAndStep = (a: Point, b: Point) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : a.step - b.step);

/** The points an uninterrupted run logs for experiences 0 and 1. */
function straightRunPoints(dir: string): Point[] {
  const logger = new TensorboardLogger(dir);
  const run = new FakeRun([logger]);
  run.experiences(0, 1);
  logger.close();
  return pointsOf(runEvents(dir).flat());
}

test('TensorboardLogger writes a file version, a START and one Event per step with every value as a scalar', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const tb = path.join(dir, 'tb');
  const logger = new TensorboardLogger(tb, { filenameSuffix: '.v2' });
  const run = new FakeRun([logger]);
  run.experiences(0);
  logger.close();

  const names = listFiles(tb);
  assert.equal(names.length, 1);
  assert.match(names[0]!, new RegExp(`^events\\.out\\.tfevents\\.\\d{10}\\.${os.hostname().replace(/\./g, '\\.')}\\.${process.pid}\\.0\\.v2$`));
  assert.deepEqual(logger.files, [path.join(tb, names[0]!)]);

  const events = readTfEventFile(logger.files[0]!);
  assert.equal(events[0]!.fileVersion, TF_EVENT_FILE_VERSION);
  assert.equal(events[0]!.offset, 0);
  assert.deepEqual(events[1]!.sessionLog?.status, SessionStatus.START);
  assert.equal(events[1]!.step, 0);
  for (const e of events) assert.ok(Math.abs(e.wallTime - Date.now() / 1000) < 60, 'wall_time is the time in seconds');

  const f = Math.fround;
  const expected: Point[] = [
    ...[1, 2, 3].map((s) => ({ tag: 'Loss_MB/train_phase/train_stream/Task000', step: s, value: f(1 / s) })),
    { tag: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', step: 3, value: f(0.5) },
    { tag: 'Loss_Epoch/train_phase/train_stream/Task000', step: 3, value: f(0.5) },
    ...[4, 5, 6].map((s) => ({ tag: 'Loss_MB/train_phase/train_stream/Task000', step: s, value: f(1 / s) })),
    { tag: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', step: 6, value: f(0.51) },
    { tag: 'Loss_Epoch/train_phase/train_stream/Task000', step: 6, value: f(0.49) },
    { tag: 'Top1_Acc_Exp/eval_phase/test_stream/Task000/Exp000', step: 6, value: f(0.25) },
    { tag: 'Loss_Exp/eval_phase/test_stream/Task000/Exp000', step: 6, value: f(1.75) },
    { tag: 'Top1_Acc_Stream/eval_phase/test_stream/Task000', step: 6, value: f(0.375) },
  ];
  assert.deepEqual(pointsOf(events), expected);
  const epochEvent = events.find((e) => e.summary?.value.some((v) => v.tag.startsWith('Top1_Acc_Epoch')));
  assert.equal(epochEvent?.summary?.value.length, 2, 'values logged together at one step share one Event');
});

test('TensorboardLogger: constructing and discarding a logger creates nothing', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new TensorboardLogger(path.join(dir, 'tb'));
  logger.close();
  assert.deepEqual(logger.files, []);
  assert.equal(fs.existsSync(path.join(dir, 'tb')), false);
});

test('TensorboardLogger: a record-valued metric becomes one scalar per key', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new TensorboardLogger(dir);
  logger.logMetrics([{ name: 'Top1_ClassAcc_Stream/eval_phase/test_stream', value: { 0: 0.5, 3: 1 }, xPlot: 12 }]);
  logger.logSingleMetric('Loss', 0.25, 13);
  logger.close();
  assert.deepEqual(pointsOf(readTfEventFile(logger.files[0]!)), [
    { tag: 'Top1_ClassAcc_Stream/eval_phase/test_stream/0', step: 12, value: 0.5 },
    { tag: 'Top1_ClassAcc_Stream/eval_phase/test_stream/3', step: 12, value: 1 },
    { tag: 'Loss', step: 13, value: 0.25 },
  ]);
});

test('TensorboardLogger: after close() the same process appends to the same file', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const logger = new TensorboardLogger(dir);
  logger.logSingleMetric('a', 1, 1);
  logger.close();
  logger.logSingleMetric('a', 2, 2);
  logger.close();
  assert.equal(listFiles(dir).length, 1);
  assert.deepEqual(pointsOf(readTfEventFile(logger.files[0]!)).map((p) => p.value), [1, 2]);
});

test('TensorboardLogger restored from a checkpoint continues the run: a later file, a START after the last step, steps continuing', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const tb = path.join(dir, 'tb');
  const first = new TensorboardLogger(tb);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  first.close();
  assert.equal(restored.dir, tb);

  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();

  assert.equal(restored.files.length, 2);
  assert.equal(restored.files[0], first.files[0]);
  const names = listFiles(tb);
  assert.deepEqual(names.map((n) => path.join(tb, n)), restored.files, 'files sort in the order they were written');
  const [, second] = runEvents(tb);
  assert.equal(second![0]!.fileVersion, TF_EVENT_FILE_VERSION);
  assert.equal(second![1]!.sessionLog?.status, SessionStatus.START);
  assert.equal(second![1]!.step, 7, 'START at the step after the last one logged before the checkpoint');
  assert.ok(pointsOf(second!).every((p) => p.step >= 7), 'steps continue');

  const straight = straightRunPoints(path.join(dir, 'straight')).sort(byTagAndStep);
  assert.deepEqual(pointsOf(runEvents(tb).flat()).sort(byTagAndStep), straight);
});

test('TensorboardLogger: what a killed process logged after the checkpoint is dropped by both TensorBoard loaders', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const tb = path.join(dir, 'tb');
  const first = new TensorboardLogger(tb);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  // the first process goes on past the checkpoint, logging at the steps the resumed run
  // will log again but other values (training is not deterministic everywhere), then dies
  for (const step of [7, 8, 9]) first.logSingleMetric('Loss_MB/train_phase/train_stream/Task000', 99, step);
  first.logMetrics([
    { name: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', value: 99, xPlot: 9 },
    { name: 'Loss_Epoch/train_phase/train_stream/Task000', value: 99, xPlot: 9 },
  ]);
  first.close();

  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();

  const files = runEvents(tb);
  assert.equal(files.length, 2);
  const straight = straightRunPoints(path.join(dir, 'straight')).sort(byTagAndStep);
  assert.deepEqual(pythonLoaderView(files).sort(byTagAndStep), straight);
  assert.deepEqual(rustLoaderView(files).sort(byTagAndStep), straight);
  // the file the checkpoint knew was cut back to its position: each point is on disk once
  assert.deepEqual(pointsOf(files.flat()).sort(byTagAndStep), straight, 'the orphaned points were cut off the first file');
});

test('TensorboardLogger: a process killed before its first checkpoint leaves orphans that the next START hides', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const tb = path.join(dir, 'tb');
  const first = new TensorboardLogger(tb);
  const run = new FakeRun([first]);
  run.experiences(0);
  first.close();
  // a resumed process logs past the checkpoint, other values, and dies before saving
  const doomed = restoreAsCheckpointWould(first);
  for (const step of [7, 8, 9]) doomed.logSingleMetric('Loss_MB/train_phase/train_stream/Task000', 99, step);
  doomed.logMetrics([{ name: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', value: 99, xPlot: 9 }]);
  doomed.close();
  // the next process resumes from the same checkpoint
  const restored = restoreAsCheckpointWould(first);
  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();

  const files = runEvents(tb);
  assert.equal(files.length, 3);
  const starts = files.map((events) => events.find((e) => e.sessionLog !== undefined));
  assert.deepEqual(starts.map((e) => e?.step), [0, 7, 7], 'each resumed file starts with START at the step after the checkpoint');
  const straight = straightRunPoints(path.join(dir, 'straight')).sort(byTagAndStep);
  assert.deepEqual(pythonLoaderView(files).sort(byTagAndStep), straight);
  assert.deepEqual(rustLoaderView(files).sort(byTagAndStep), straight);
  assert.notDeepEqual(pointsOf(files.flat()).sort(byTagAndStep), straight, 'the doomed file does hold orphaned points');
});

test('TensorboardLogger: a restored logger that had logged nothing starts its START at step 0', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = new TensorboardLogger(dir);
  const restored = restoreAsCheckpointWould(first);
  restored.logSingleMetric('a', 1, 0);
  restored.close();
  const events = readTfEventFile(restored.files[0]!);
  assert.equal(events[1]!.sessionLog?.status, SessionStatus.START);
  assert.equal(events[1]!.step, 0);
});

test('TensorboardLogger: a resumed file sorts after the earlier ones even within the same second or with a clock behind', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const first = new TensorboardLogger(dir);
  first.logSingleMetric('a', 1, 1);
  first.close();
  // the earlier file as another process on another host, its clock 100 s ahead, would have named it
  const ahead = Math.floor(Date.now() / 1000) + 100;
  const earlier = `events.out.tfevents.${ahead}.zz-host.999999.0`;
  fs.renameSync(first.files[0]!, path.join(dir, earlier));
  (first as unknown as { eventFiles: string[] }).eventFiles = [earlier];

  const restored = restoreAsCheckpointWould(first);
  restored.logSingleMetric('a', 2, 2);
  restored.close();
  assert.equal(restored.files.length, 2);
  assert.ok(path.basename(restored.files[1]!) > earlier, `${path.basename(restored.files[1]!)} sorts after ${earlier}`);
  assert.ok(path.basename(restored.files[1]!).startsWith(`events.out.tfevents.${ahead + 1}.`));
  assert.deepEqual(listFiles(dir), [earlier, path.basename(restored.files[1]!)]);
});
