import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import seedrandom from 'seedrandom';
import { openContainer } from '../../src/format/index.js';
import { readMetrics, runExample, runFolder } from '../helpers/example-runner.js';
import { runExampleAtPhases, type Phase, type PhasedRun } from '../helpers/phase-runner.js';

const BASE = ['--benchmark', 'synthetic', '--plugins', 'replay', 'ewc'];

/** Kill the child at the `at`-th (from 0) phase of `kind` whose file matches `file`, counted in that process. */
interface KillRule {
  label: string;
  kind: string;
  file?: RegExp;
  at: number;
}

const CHECKPOINT = /\.reprise\b/; // the temporary `.3.reprise.<pid>.<hex>.tmp` and the target `3.reprise`
const METRICS = /metrics_exp/; // written by the example's JSON logger through writeAtomicallySync

/**
 * Chosen kill points: inside an experience, at every step of a checkpoint's atomic
 * write (promise API) and of a metrics file's (synchronous API), and right after a
 * resume. Each is reached by the time the run before it ended (a run saves after
 * every experience; every kill here stops before a third checkpoint is complete).
 */
const CHOSEN: KillRule[] = [
  { label: 'in the middle of experience 1', kind: 'step', at: 5 },
  { label: 'a checkpoint\'s temporary file just created', kind: 'save-open', file: CHECKPOINT, at: 0 },
  { label: 'a checkpoint half written', kind: 'save-partial', file: CHECKPOINT, at: 0 },
  { label: 'a checkpoint written, not synced', kind: 'save-written', file: CHECKPOINT, at: 0 },
  { label: 'a checkpoint synced, not renamed', kind: 'save-synced', file: CHECKPOINT, at: 0 },
  { label: 'a checkpoint renamed, its folder not synced', kind: 'save-renamed', file: CHECKPOINT, at: 0 },
  { label: 'a metrics file half written (synchronous writer)', kind: 'save-partial', file: METRICS, at: 0 },
  { label: 'a metrics file synced, not renamed (synchronous writer)', kind: 'save-synced', file: METRICS, at: 0 },
  { label: 'the first step after a resume', kind: 'step', at: 0 },
];

/** Extra kill points drawn from a seeded generator (REPRISE_KILL_SEED varies them): any kind, any occurrence. */
function drawn(seed: string, count: number): KillRule[] {
  const random = seedrandom(seed);
  const kinds = ['step', 'save-open', 'save-partial', 'save-written', 'save-synced', 'save-renamed'];
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[Math.floor(random() * kinds.length)]!;
    const at = Math.floor(random() * (kind === 'step' ? 4 : 2));
    return { label: `drawn ${i}: ${kind} #${at}`, kind, file: kind === 'step' ? undefined : CHECKPOINT, at };
  });
}

function matcher(rule: KillRule): (p: Phase) => 'kill' | 'go' {
  let seen = 0;
  return (p) => (p.kind === rule.kind && (!rule.file || rule.file.test(p.file)) && seen++ === rule.at ? 'kill' : 'go');
}

/** The complete checkpoints in `dir` by name, with their bytes. */
function checkpoints(dir: string): Map<string, Buffer> {
  if (!fs.existsSync(dir)) return new Map();
  return new Map(fs.readdirSync(dir).filter((f) => /^\d+\.reprise$/.test(f)).map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}

const newest = (files: Map<string, Buffer>) => [...files.keys()].sort((a, b) => parseInt(b) - parseInt(a))[0];

describe('SIGKILL at chosen phases, then at drawn ones', () => {
  it('a run killed inside experiences and at every step of its saves finishes with the metrics of one never killed', async (t) => {
    const straight = runFolder('kill-ref');
    const ref = await runExample([...BASE, ...straight.args]);
    assert.equal(ref.code, 0, ref.stderr);
    const expected = readMetrics(straight.metrics);
    assert.equal(expected.size, 5);

    const run = runFolder('killed');
    const seed = process.env.REPRISE_KILL_SEED ?? 'reprise kill test';
    const log: string[] = [];
    const check = (result: PhasedRun, label: string, before: Map<string, Buffer>) => {
      const last = result.stdout.trim().split('\n').pop();
      log.push(`${label}: ${result.killedAt ? `killed at ${result.killedAt.kind} ${result.killedAt.n} ${result.killedAt.file}` : `${result.signal ?? result.code}`} — ${last}`);
      if (result.signal !== 'SIGKILL') {
        assert.equal(result.code, 0, `a restart failed (the last checkpoint must always load):\n${log.join('\n')}\n${result.stdout}\n${result.stderr}`);
      }
      // Nothing already saved is lost: the newest checkpoint before this process is still there, byte for byte,
      // and every complete checkpoint verifies (header and section checksums).
      const after = checkpoints(run.checkpoints);
      const previous = newest(before);
      if (previous) assert.ok(after.get(previous)?.equals(before.get(previous)!), `${previous} changed or vanished (${label}):\n${log.join('\n')}`);
      for (const [name, bytes] of after) assert.doesNotThrow(() => openContainer(new Uint8Array(bytes)), `${name} does not verify after ${label}`);
    };

    for (const rule of CHOSEN) {
      const before = checkpoints(run.checkpoints);
      const result = await runExampleAtPhases([...BASE, ...run.args], matcher(rule));
      check(result, rule.label, before);
      assert.equal(result.signal, 'SIGKILL', `the chosen kill point "${rule.label}" was never reached:\n${log.join('\n')}\nphases: ${result.phases.map((p) => `${p.kind}:${p.file}`).join(' ')}`);
    }

    // Between the chosen and the drawn points, one kill at an arbitrary instant (not a phase), as a
    // crash would come: whatever it hits (or misses), the run must recover.
    const random = seedrandom(`${seed} time`);
    const before = checkpoints(run.checkpoints);
    let timer: NodeJS.Timeout | undefined;
    const anytime = await runExampleAtPhases([...BASE, ...run.args], () => 'release', (child) => {
      timer = setTimeout(() => child.kill('SIGKILL'), Math.floor(random() * 1500));
    });
    clearTimeout(timer);
    check(anytime, 'a kill at a random instant (may land after the end)', before);

    for (const rule of drawn(seed, 4)) {
      const before = checkpoints(run.checkpoints);
      const result = await runExampleAtPhases([...BASE, ...run.args], matcher(rule));
      check(result, rule.label, before);
      if (/done: 5 experiences trained/.test(result.stdout)) break;
    }

    for (let attempt = 0; attempt < 3; attempt++) {
      const before = checkpoints(run.checkpoints);
      const result = await runExampleAtPhases([...BASE, ...run.args], () => 'release');
      check(result, `run to the end ${attempt}`, before);
      if (/done: 5 experiences trained/.test(result.stdout)) break;
    }
    const got = readMetrics(run.metrics);
    assert.deepEqual([...got.keys()], [...expected.keys()], log.join('\n'));
    for (const [name, bytes] of expected) assert.ok(got.get(name)!.equals(bytes), `${name} differs after the kills:\n${log.join('\n')}`);
    const leftovers = fs.readdirSync(run.checkpoints).filter((f) => !/^\d+\.reprise$/.test(f));
    assert.ok(leftovers.every((f) => f.endsWith('.tmp')), `unexpected files: ${leftovers}`);
    for (const line of log) t.diagnostic(line);
    fs.rmSync(straight.dir, { recursive: true, force: true });
    fs.rmSync(run.dir, { recursive: true, force: true });
  });
});
