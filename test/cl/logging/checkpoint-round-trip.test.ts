import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { deserialize, serialize } from '../../../src/checkpoint/index.js';
import { CSVLogger, InteractiveLogger, TensorboardLogger, TextLogger, readTfEventFile } from '../../../src/cl/logging/index.js';
import type { BaseLogger } from '../../../src/cl/logging/index.js';
import { FakeRun, listFiles, tempDir, type FakeStrategy } from './fixtures.js';

process.env.REPRISE_QUIET = '1';

interface Loggers {
  text: TextLogger;
  csv: CSVLogger;
  tb: TensorboardLogger;
  interactive: InteractiveLogger;
}

function makeLoggers(dir: string): Loggers {
  return {
    text: new TextLogger(path.join(dir, 'log.txt')),
    csv: new CSVLogger(path.join(dir, 'csv')),
    tb: new TensorboardLogger(path.join(dir, 'tb')),
    interactive: new InteractiveLogger({ stream: { write: () => true } }),
  };
}

const all = (l: Loggers): BaseLogger[] => [l.text, l.csv, l.tb, l.interactive];
const closeAll = (l: Loggers) => all(l).forEach((x) => x.close());

function scalars(dir: string): string[] {
  return listFiles(path.join(dir, 'tb'))
    .flatMap((f) => readTfEventFile(path.join(dir, 'tb', f)))
    .flatMap((e) => (e.summary?.value ?? []).map((v) => `${v.tag}@${e.step}=${v.simpleValue}`))
    .sort();
}

test('loggers saved and loaded by the checkpoint serializer continue their files as if never stopped', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const straightDir = path.join(dir, 'straight');
  const straight = makeLoggers(straightDir);
  const straightRun = new FakeRun(all(straight));
  for (const exp of [0, 1]) {
    straightRun.train(exp);
    straightRun.eval(exp);
  }
  closeAll(straight);

  const runDir = path.join(dir, 'run');
  const first = makeLoggers(runDir);
  const run = new FakeRun(all(first));
  run.experiences(0);
  const bytes = serialize({ loggers: first, strategy: run.strategy });
  closeAll(first); // the process dies

  // the next process builds its loggers as the script does, then replaces them with the checkpoint's
  const discarded = makeLoggers(path.join(dir, 'never'));
  void discarded;
  const loaded = deserialize(bytes) as { loggers: Loggers; strategy: FakeStrategy };
  assert.ok(loaded.loggers.text instanceof TextLogger && loaded.loggers.tb instanceof TensorboardLogger);
  assert.equal(fs.existsSync(path.join(dir, 'never')), false, 'discarded loggers created nothing');
  loaded.loggers.interactive.stream = { write: () => true };
  const resumed = new FakeRun(all(loaded.loggers), loaded.strategy);
  resumed.train(1);
  resumed.eval(1);
  closeAll(loaded.loggers);

  for (const f of ['csv/training_results.csv', 'csv/eval_results.csv']) {
    assert.equal(fs.readFileSync(path.join(runDir, f), 'utf8'), fs.readFileSync(path.join(straightDir, f), 'utf8'), f);
  }
  const text = fs.readFileSync(path.join(runDir, 'log.txt'), 'utf8').replace(/^\[TextLogger\] Resuming from checkpoint\..*\n/m, '');
  assert.equal(text, fs.readFileSync(path.join(straightDir, 'log.txt'), 'utf8'));
  assert.deepEqual(scalars(runDir), scalars(straightDir));
  assert.equal(listFiles(path.join(runDir, 'tb')).length, 2, 'one event file per process, in one run folder');
});
