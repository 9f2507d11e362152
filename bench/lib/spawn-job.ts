import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Job, JobOutcome, JobResult } from './jobs.js';

const CHILD = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'child.js');

/**
 * Runs `job` in a fresh `node --expose-gc` process and returns what it wrote to
 * `job.resultFile`; a crash or a missing result becomes `{ ok: false, error }` with the
 * child's stderr.
 */
export async function runJob<R extends JobResult>(job: Job, timeoutMs: number): Promise<JobOutcome<R>> {
  fs.rmSync(job.resultFile, { force: true });
  const child = spawn(process.execPath, ['--expose-gc', '--max-old-space-size=12288', CHILD, JSON.stringify(job)], {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, REPRISE_QUIET: '1' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c, signal) => resolve(signal ? -1 : c)));
  clearTimeout(timer);
  try {
    const outcome = JSON.parse(fs.readFileSync(job.resultFile, 'utf8')) as JobOutcome<R>;
    fs.rmSync(job.resultFile, { force: true });
    return outcome;
  } catch {
    return { ok: false, error: `child exited with ${code === -1 ? 'a signal (timeout or out of memory?)' : `code ${code}`} and no result; stderr: ${stderr.trim() || '(empty)'}` };
  }
}
