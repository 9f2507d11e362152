/**
 * The save-blocking section of `npm run bench`: runs bench/save-blocking.ts in a child
 * process (its own backend and memory) and renders its rows — the time `save()` blocks
 * its caller next to the time until the checkpoint is durable, on the original's
 * profiling case and on many megabytes of tensors.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SaveBlockingResult } from './results.js';

const SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'save-blocking.js');

/** Measures in a child process; `quick`: small data, one repetition. Never throws: a failure is the result's `error`. */
export function measureSaveBlocking(opts: { quick: boolean; reps: number; workDir: string; timeoutMs: number }): SaveBlockingResult {
  const megabytes = opts.quick ? 8 : 200;
  const args = [SCRIPT, '--json', '--reps', String(opts.quick ? 1 : opts.reps), '--mb', String(megabytes), '--dir', path.join(opts.workDir, 'save-blocking')];
  if (opts.quick) args.push('--quick');
  const child = spawnSync(process.execPath, args, { encoding: 'utf8', timeout: opts.timeoutMs, env: { ...process.env, REPRISE_QUIET: '1' } });
  const line = child.stdout?.trim().split('\n').at(-1) ?? '';
  try {
    if (child.status !== 0) throw new Error(`exited with ${child.status ?? child.signal}: ${child.stderr.slice(-500)}`);
    const { backend, rows } = JSON.parse(line) as Pick<SaveBlockingResult, 'backend' | 'rows'>;
    return { backend, megabytes, rows };
  } catch (err) {
    return { backend: 'unknown', megabytes, rows: [], error: (err as Error).message };
  }
}

/** The section as Markdown (appended to table.md) or as the text report's lines. */
export function saveBlockingTable(result: SaveBlockingResult): string {
  const head = `\n### How long a save blocks training (${result.backend} backend)\n\n`;
  if (result.error) return `${head}not measured: ${result.error}\n`;
  const lines = ['| case | save() blocks (ms) | durable after (ms) | blocked share |', '|---|---:|---:|---:|'];
  for (const r of result.rows) lines.push(`| ${r.case} | ${r.blocked.toFixed(1)} | ${r.durable.toFixed(1)} | ${((100 * r.blocked) / r.durable).toFixed(0)}% |`);
  return `${head}${lines.join('\n')}\n\nMedians of ${result.rows[0]?.reps ?? 0} saves (bench/save-blocking.ts): "blocks" until the call returned, "durable" until the file was synced.\n`;
}
