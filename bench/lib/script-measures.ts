import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RunPlan } from './orchestrate.js';
import type { ResumeTime, TorchComparison } from './results.js';

const BENCH = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * Runs a bench script (`bench/<script>.js … --json`) in a fresh process and parses the
 * JSON line it ends with. Rejects with the script's stderr when it fails.
 */
async function runScript<R>(script: string, args: string[], timeoutMs: number): Promise<R> {
  const child = spawn(process.execPath, [path.join(BENCH, script), ...args, '--json'], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, REPRISE_QUIET: '1' } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c, signal) => resolve(signal ? -1 : c)));
  clearTimeout(timer);
  const last = stdout.trim().split('\n').at(-1) ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`${script} exited with ${code === -1 ? 'a signal (timeout?)' : `code ${code}`}: ${stderr.trim().split('\n').slice(-3).join(' | ') || '(no stderr)'}`);
  return JSON.parse(last) as R;
}

/**
 * The original's own path on the profiling case (bench/torch-compare.ts): reprise and
 * torch.save / torch.load with dill in alternating rounds of one process; `{ skipped }`
 * with the reason when Python, torch or dill is missing.
 */
export async function runTorchComparison(plan: RunPlan): Promise<TorchComparison> {
  plan.log('torch comparison (profiling case): alternating rounds of reprise and torch.save/torch.load');
  const args = plan.mode === 'quick' ? ['--quick'] : ['--rounds', String(Math.max(plan.reps, 15))];
  try {
    return await runScript<TorchComparison>('torch-compare.js', args, plan.timeoutMs);
  } catch (err) {
    return { skipped: `torch comparison failed: ${(err as Error).message}` };
  }
}

/**
 * Fresh-process resumes (bench/resume-time.ts) of the example's run (replay) and of the
 * profiling case: the time from process start to the end of the first resumed
 * iteration, and each part of it. A kind that fails is left out with a logged note.
 */
export async function runResumeTimes(plan: RunPlan): Promise<ResumeTime[]> {
  const out: ResumeTime[] = [];
  // Quick mode (the test suite): the example's run only; test/bench/scripts.test.ts runs the profiling kind.
  for (const kind of plan.mode === 'quick' ? (['replay'] as const) : (['replay', 'profiling'] as const)) {
    plan.log(`fresh-process resume of the ${kind} run`);
    const args = ['--kind', kind, ...(plan.mode === 'quick' ? ['--quick'] : ['--runs', String(Math.max(plan.reps, 5))])];
    try {
      out.push(await runScript<ResumeTime>('resume-time.js', args, plan.timeoutMs));
    } catch (err) {
      plan.log(`resume time of the ${kind} run failed: ${(err as Error).message}`);
    }
  }
  return out;
}
