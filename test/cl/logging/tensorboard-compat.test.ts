import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { TensorboardLogger } from '../../../src/cl/logging/tensorboard-logger.js';
import { FakeRun, listFiles, restoreAsCheckpointWould, tempDir } from './fixtures.js';

// TensorBoard's own Python loader reads our files. Runs where the `tensorboard` package
// is importable by REPRISE_TENSORBOARD_PYTHON (default python3); skipped elsewhere.
const python = process.env.REPRISE_TENSORBOARD_PYTHON ?? 'python3';
const probe = spawnSync(python, ['-c', 'import tensorboard'], { encoding: 'utf8' });
const skip = probe.status === 0 ? false : `the tensorboard Python package is not importable by ${python} (set REPRISE_TENSORBOARD_PYTHON)`;

const READ_RUNS = `
import json, sys
from tensorboard.backend.event_processing import event_accumulator as ea
out = {}
for run in sys.argv[1:]:
    acc = ea.EventAccumulator(run, size_guidance={ea.SCALARS: 0})
    acc.Reload()
    out[run] = {"file_version": acc.file_version,
                "scalars": {t: [[e.step, e.value] for e in acc.Scalars(t)] for t in sorted(acc.Tags()["scalars"])}}
print(json.dumps(out))
`;

test("TensorBoard's event accumulator reads a resumed run as the uninterrupted one, orphaned points purged", { skip }, (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const straightDir = path.join(dir, 'straight');
  const straight = new TensorboardLogger(straightDir);
  const straightRun = new FakeRun([straight]);
  straightRun.experiences(0, 1);
  straight.close();

  const resumedDir = path.join(dir, 'resumed');
  const first = new TensorboardLogger(resumedDir);
  const run = new FakeRun([first]);
  run.experiences(0);
  const restored = restoreAsCheckpointWould(first);
  for (const step of [7, 8, 9]) first.logSingleMetric('Loss_MB/train_phase/train_stream/Task000', 99, step);
  first.logSingleMetric('Top1_Acc_Epoch/train_phase/train_stream/Task000', 99, 9);
  first.close();
  const resumed = new FakeRun([restored], run.strategy);
  resumed.train(1);
  resumed.eval(1);
  restored.close();
  assert.equal(listFiles(resumedDir).length, 2);

  const child = spawnSync(python, ['-c', READ_RUNS, straightDir, resumedDir], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  const runs = JSON.parse(child.stdout) as Record<string, { file_version: number; scalars: Record<string, Array<[number, number]>> }>;
  assert.equal(runs[straightDir]!.file_version, 2);
  assert.equal(runs[resumedDir]!.file_version, 2);
  assert.equal(Object.keys(runs[straightDir]!.scalars).length, 8);
  assert.deepEqual(runs[resumedDir]!.scalars, runs[straightDir]!.scalars);
});
