import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { CheckpointPlugin, FileSystemCheckpointStorage } from '../../src/checkpoint/index.js';
import { Naive, SimpleMLP } from '../../src/cl/index.js';
import { initBackend } from '../../src/tensor/backend.js';
import { runExample, runFolder, type ExampleRun } from '../helpers/example-runner.js';

/** A refusal: exit 2, one line on stderr (naming what `mentions` lists), no stack trace, nothing trained. */
function assertRefused(run: ExampleRun, mentions: RegExp[]): void {
  assert.equal(run.code, 2, `exit code 2 expected:\n${run.stdout}\n${run.stderr}`);
  const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('reprise: '));
  assert.equal(lines.length, 1, `one line expected on stderr, got:\n${run.stderr}`);
  assert.doesNotMatch(run.stderr, /^\s+at /m, 'no stack trace');
  for (const m of mentions) assert.match(lines[0]!, m);
  assert.doesNotMatch(run.stdout, /experience \d: stream accuracy/, 'nothing was trained');
}

const SYNTHETIC = ['--benchmark', 'synthetic'];

describe('the example refuses, when parsing, values that cannot work', () => {
  const cases: Array<[string, string[], RegExp[]]> = [
    ['no epochs', ['--epochs', '0'], [/--epochs/, /positive integer/]],
    ['a fractional batch size', ['--batch-size', '1.5'], [/--batch-size/]],
    ['a negative learning rate', ['--lr', '-0.1'], [/--lr/]],
    ['a learning rate that is not a number', ['--lr', 'fast'], [/--lr/]],
    ['momentum 1', ['--momentum', '1'], [/--momentum/]],
    ['none with a plugin', ['--plugins', 'replay', 'none'], [/--plugins/, /none/, /replay/]],
    ['a plugin twice', ['--plugins', 'ewc', 'ewc'], [/--plugins/, /ewc/]],
    ['an unknown plugin', ['--plugins', 'magic'], [/--plugins/, /magic/]],
    ['an unknown scenario', ['--scenario', 'domain'], [/--scenario/]],
    ['momentum with Adam', ['--optimizer', 'adam', '--momentum', '0.5'], [/--momentum/, /adam/]],
    ['online EWC without a decay', ['--ewc-mode', 'online'], [/--ewc-mode online/, /--ewc-decay/]],
    ['a decay without online EWC', ['--ewc-decay', '0.5'], [/--ewc-decay/, /online/]],
    ['CWR* on a multi-head model', ['--plugins', 'cwr'], [/cwr/, /--head single/]],
    ['a stop that never comes', ['--stop-after', '5'], [/--stop-after 5/]],
    ['an unknown flag', ['--learning-rate', '0.1'], [/--learning-rate/]],
    ['a stray argument', ['splitmnist'], [/splitmnist/]],
    ['keeping no checkpoint', ['--keep-last', '0'], [/--keep-last/, /positive integer/]],
  ];
  for (const [name, args, mentions] of cases) {
    it(`${name}: ${args.join(' ')}`, async () => {
      const folder = runFolder('refuse');
      const run = await runExample([...SYNTHETIC, ...folder.args, ...args]);
      assertRefused(run, mentions);
      assert.ok(!fs.existsSync(folder.checkpoints), 'no checkpoint directory was created');
    });
  }
});

describe('resuming refuses a command line that contradicts the stored run', () => {
  it('names each flag with both values and the way out, and accepts what may change between sessions', async () => {
    const folder = runFolder('resume-validate');
    const base = [...SYNTHETIC, '--plugins', 'replay', 'ewc', '--lr', '0.02', ...folder.args];
    const first = await runExample([...base, '--stop-after', '0']);
    assert.equal(first.code, 0, first.stderr);

    const lr = await runExample([...base.filter((a) => a !== '0.02' && a !== '--lr'), '--lr', '0.1']);
    assertRefused(lr, [/--lr is 0\.1/, /started with 0\.02/, /--checkpoint-dir/, new RegExp(`delete ${folder.checkpoints.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`)]);

    // a flag left out takes its default, which contradicts the run just as well
    const defaults = await runExample(folder.args);
    assertRefused(defaults, [/--benchmark is splitmnist \(the default\)/, /started with synthetic/, /--plugins is replay \(the default\)/, /replay ewc/]);

    const several = await runExample([...base, '--scenario', 'class', '--epochs', '3']);
    assertRefused(several, [/--scenario is class but .* started with task/, /--epochs is 3 but .* started with 2/]);
    assert.equal(fs.readdirSync(folder.checkpoints).filter((f) => f.endsWith('.reprise')).length, 1, 'the refusals saved nothing');

    const early = await runExample([...base, '--stop-after', '0']);
    assertRefused(early, [/--stop-after 0 would never stop/, /resumes at experience 1/]);

    // --stop-after, --quiet, --metrics-out and --log-dir may change between sessions
    const otherMetrics = path.join(folder.dir, 'other-metrics');
    const session = [...base.filter((a) => a !== '--quiet'), '--stop-after', '1', '--metrics-out', otherMetrics, '--log-dir', path.join(folder.dir, 'elsewhere')];
    const resumed = await runExample(session);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /resumed at experience 1/);
    assert.match(resumed.stdout, /stopping after experience 1/);
    assert.match(resumed.stdout, /-- >> Start of training phase << --/, 'without --quiet the interactive report is back');
    assert.match(resumed.stdout, /logs continue in .*logs \(--log-dir .*elsewhere applies to new runs\)/);
    assert.ok(fs.existsSync(path.join(otherMetrics, 'metrics_exp1.json')), 'metrics go where this session says');
    assert.ok(!fs.existsSync(path.join(folder.metrics, 'metrics_exp1.json')));
  });
});

describe('--keep-last', () => {
  it("keeps only the run's newest N checkpoints of both kinds, and the run still resumes", async () => {
    const folder = runFolder('keep-last');
    const args = [...SYNTHETIC, '--epochs', '1', '--quiet', '--checkpoint-every', '3', '--keep-last', '2', ...folder.args];
    const first = await runExample([...args, '--stop-after', '1']);
    assert.equal(first.code, 0, first.stderr);
    const names = () => fs.readdirSync(folder.checkpoints).filter((f) => f.endsWith('.reprise')).sort();
    assert.deepEqual(names().length, 2, `two checkpoints kept, found ${names().join(', ')}`);
    assert.ok(names().includes('2.reprise'), `the newest (2) is kept: ${names().join(', ')}`);
    const rest = await runExample(args);
    assert.equal(rest.code, 0, rest.stderr);
    assert.match(rest.stdout, /resumed at experience 2/);
    assert.deepEqual(names().length, 2);
  });
});

describe('a checkpoint directory of another script', () => {
  it('is refused with one line saying so (exit 2), not resumed with guessed settings', async () => {
    process.env.REPRISE_QUIET = '1';
    await initBackend({ quiet: true });
    const folder = runFolder('foreign');
    const strategy = new Naive({ model: new SimpleMLP({ inputSize: 16, hiddenSize: 8 }), optimizer: tf.train.sgd(0.1) });
    strategy.clock.trainExpCounter = 1;
    await new CheckpointPlugin(new FileSystemCheckpointStorage({ directory: folder.checkpoints })).saveCheckpoint(strategy);
    const run = await runExample(['--benchmark', 'synthetic', ...folder.args]);
    assertRefused(run, [/hold no run configuration/, /--checkpoint-dir/]);
  });
});

describe('errors that are not usage errors', () => {
  it('print one line with their code and exit 1, without a stack trace unless REPRISE_DEBUG=1', async () => {
    const folder = runFolder('runtime-error');
    const blocker = path.join(folder.dir, 'a-file');
    fs.writeFileSync(blocker, 'not a directory');
    const args = [...SYNTHETIC, '--checkpoint-dir', folder.checkpoints, '--log-dir', path.join(blocker, 'logs'), '--quiet'];
    const run = await runExample(args);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('reprise: '));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^error \[LOG_IO\]: /);
    assert.match(lines[0]!, /REPRISE_DEBUG=1/);
    assert.doesNotMatch(run.stderr, /^\s+at /m);

    const debug = await runExample(args, undefined, { REPRISE_DEBUG: '1' });
    assert.equal(debug.code, 1);
    assert.match(debug.stderr, /^\s+at /m, 'REPRISE_DEBUG=1 shows the stack');
  });

  it('a diverging run stops with one line naming where (LOSS_NOT_FINITE), exit 1', async () => {
    const folder = runFolder('diverge');
    const run = await runExample([...SYNTHETIC, '--plugins', 'none', '--lr', '1e30', ...folder.args]);
    assert.equal(run.code, 1, run.stderr);
    const lines = run.stderr.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('reprise: '));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, /^error \[LOSS_NOT_FINITE\]: training diverged: the loss is (NaN|-?Infinity) at experience \d, epoch \d, iteration \d+/);
  });
});
