import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { EXAMPLE, type ExampleRun } from './example-runner.js';

/** The preload that makes a child announce its phases and wait (see test/fixtures/kill-points.ts). */
export const KILL_POINTS = fileURLToPath(new URL('../fixtures/kill-points.js', import.meta.url));

/** One announcement of the child: `kind` (`step`, `save-open`, …), its count `n` in this process, and the file. */
export interface Phase {
  kind: string;
  n: number;
  file: string;
}

export interface PhasedRun extends ExampleRun {
  /** Every phase the child announced, in order. */
  phases: Phase[];
  /** The phase at which the test killed the child, if it did. */
  killedAt: Phase | undefined;
}

/**
 * Runs the example with the kill-point preload. At each phase the child waits for
 * `decide`: `'kill'` sends SIGKILL while it waits (so the kill lands exactly at that
 * phase), `'go'` lets it run to the next phase, `'release'` lets it run freely to the end.
 * `onStart` gets the child (e.g. to kill it at an arbitrary moment as well).
 */
export function runExampleAtPhases(
  args: string[],
  decide: (phase: Phase) => 'kill' | 'go' | 'release',
  onStart?: (child: ReturnType<typeof spawn>) => void,
): Promise<PhasedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', KILL_POINTS, EXAMPLE, ...args], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, REPRISE_QUIET: '1' },
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const phases: Phase[] = [];
    let killedAt: Phase | undefined;
    let released = false;
    child.stdin!.on('error', () => {}); // the child may be gone when we answer
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => {
      pending += d.toString();
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = /^@@phase (\S+) (\d+) ?(.*)$/.exec(line);
        if (!m) {
          stderr += line + '\n';
          continue;
        }
        const phase: Phase = { kind: m[1]!, n: Number(m[2]), file: m[3] ?? '' };
        phases.push(phase);
        if (released || killedAt) continue;
        const decision = decide(phase);
        if (decision === 'kill') {
          killedAt = phase;
          child.kill('SIGKILL');
        } else if (decision === 'release') {
          released = true;
          child.stdin!.end();
        } else {
          child.stdin!.write('g');
        }
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr: stderr + pending, phases, killedAt }));
    onStart?.(child);
  });
}
