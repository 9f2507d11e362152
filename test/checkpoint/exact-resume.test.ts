import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readMetrics, runExample, runFolder } from '../helpers/example-runner.js';

/** The original's own check: stopping and resuming changes no metric, bit for bit. */
const CONFIGS: string[][] = [
  [], // the default: the guide's task-incremental multi-head run with replay
  ['--plugins', 'lwf'],
  ['--plugins', 'ewc', '--ewc-mode', 'online', '--ewc-decay', '0.9'],
  ['--plugins', 'si', '--optimizer', 'adam', '--lr', '0.005'],
  ['--scenario', 'class', '--plugins', 'gdumb'],
  ['--scenario', 'class', '--plugins', 'cwr', 'replay'],
  ['--scenario', 'class', '--head', 'incremental', '--plugins', 'replay', 'ewc'],
  ['--strategy', 'cumulative', '--plugins', 'none'],
];

async function ok(args: string[]): Promise<string> {
  const run = await runExample(args);
  assert.equal(run.code, 0, `example ${args.join(' ')} failed:\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

describe('exact resume (the example on the synthetic benchmark)', () => {
  for (const config of CONFIGS) {
    // the default run is stopped after experience 0 and after 1; the others after 1 (fewer processes)
    const stops = config.length === 0 ? [0, 1] : [1];
    it(`${config.join(' ') || 'default'}: a run stopped after experience ${stops.join(' or ')} and resumed writes the metrics of one that never stopped`, async () => {
      const base = ['--benchmark', 'synthetic', ...config];
      const straight = runFolder('straight');
      await ok([...base, ...straight.args]);
      const expected = readMetrics(straight.metrics);
      assert.deepEqual([...expected.keys()], [0, 1, 2, 3, 4].map((i) => `metrics_exp${i}.json`));

      for (const stopAfter of stops) {
        const run = runFolder(`stop${stopAfter}`);
        const first = await ok([...base, ...run.args, '--stop-after', String(stopAfter)]);
        assert.match(first, new RegExp(`stopping after experience ${stopAfter}`));
        assert.equal(readMetrics(run.metrics).size, stopAfter + 1, 'the first run really stopped');
        const second = await ok([...base, ...run.args]);
        assert.match(second, new RegExp(`resumed at experience ${stopAfter + 1}`));
        const got = readMetrics(run.metrics);
        for (const [name, bytes] of expected) {
          assert.ok(got.has(name), `${name} missing after resume`);
          assert.ok(got.get(name)!.equals(bytes), `${name} differs after stopping at ${stopAfter}:\n${got.get(name)}\nexpected\n${bytes}`);
        }
      }
    });
  }
});
