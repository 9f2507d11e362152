import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const EXAMPLE = fileURLToPath(new URL('../../examples/splitmnist.js', import.meta.url));

export interface ExampleRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A fresh folder with `checkpoints/`, `logs/` and `metrics/` paths for one example run. */
export function runFolder(label: string): { dir: string; args: string[]; metrics: string; checkpoints: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `reprise-${label}-`));
  const checkpoints = path.join(dir, 'checkpoints');
  const metrics = path.join(dir, 'metrics');
  return { dir, checkpoints, metrics, args: ['--checkpoint-dir', checkpoints, '--log-dir', path.join(dir, 'logs'), '--metrics-out', metrics, '--quiet'] };
}

/** Starts the example (compiled) with `args`; `onStart` gets the child, e.g. to kill it. */
export function runExample(args: string[], onStart?: (child: ChildProcess) => void, env: NodeJS.ProcessEnv = {}): Promise<ExampleRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [EXAMPLE, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, REPRISE_QUIET: '1', REPRISE_DEBUG: '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
    onStart?.(child);
  });
}

/** The metrics files of a run, by name. */
export function readMetrics(dir: string): Map<string, Buffer> {
  if (!fs.existsSync(dir)) return new Map();
  return new Map(fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => [f, fs.readFileSync(path.join(dir, f))]));
}
