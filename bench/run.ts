/**
 * `npm run bench`: checkpoint size and save/load time of reprise against the disk (plain
 * fs with fsync), v8.serialize, JSON and tfjs's weight encoding. Prints a table, writes
 * `results/latest.json`, `results/table.md` (the README's performance section) and
 * `results/scaling.svg`. `--quick`: small sizes, one repetition (the test suite runs it).
 * Also (cases `torch` and `resume`): reprise against torch.save/torch.load with dill on the
 * profiling case when Python has torch and dill, and the fresh-process time to the first
 * resumed iteration with its parts.
 */
import { Command, InvalidArgumentError } from 'commander';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEDUP_CASE } from './cases/dedup-cycles.js';
import { CASES } from './cases/index.js';
import { machineInfo } from './lib/machine.js';
import { runCase, runDedup, type RunPlan } from './lib/orchestrate.js';
import type { BenchResults, CaseResult, DedupResult, ResumeTime, TorchComparison } from './lib/results.js';
import { scalingChart } from './report/chart.js';
import { markdownReport } from './report/markdown.js';
import { checkTargets } from './report/targets.js';
import { textReport } from './report/text.js';
import { browserBundleLine, browserBundleSize } from './browser-size.js';
import { runResumeTimes, runTorchComparison } from './lib/script-measures.js';
import { scriptTargets } from './report/script-measures.js';
import { measureSaveBlocking, saveBlockingTable } from './lib/save-blocking-section.js';

const DEFAULT_OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'bench', 'results');
/** Measured by their own scripts (bench/torch-compare.ts, bench/resume-time.ts); see bench/lib/script-measures.ts. */
const SCRIPT_CASES = ['torch', 'resume'];
const SAVE_BLOCKING_CASE = 'save-blocking';
const ALL_CASES = [...CASES.map((c) => c.name), DEDUP_CASE.name, ...SCRIPT_CASES, SAVE_BLOCKING_CASE];

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

interface CliOptions {
  quick: boolean;
  reps?: number;
  maxReps?: number;
  budget: number;
  warmup?: number;
  case?: string[];
  out: string;
  workDir?: string;
  cold: boolean;
  timeout: number;
}

async function main(argv: string[]): Promise<void> {
  const program = new Command()
    .name('npm run bench --')
    .description('Checkpoint size and save/load time: reprise against fs (fsync), v8.serialize, JSON and tf.io weights.')
    .option('--quick', 'small sizes, one repetition, no warm-up (for the test suite; numbers not meaningful)', false)
    .option('--reps <n>', 'fewest measured repetitions per case and subject (default: 5, quick: 1)', positiveInt)
    .option('--max-reps <n>', 'repetitions go on up to this many while within --budget (default: 15, quick: 1)', positiveInt)
    .option('--budget <seconds>', 'time per case and subject within which repetitions go on past --reps', positiveInt, 8)
    .option('--warmup <n>', 'warm-up repetitions before measuring (default: 1, quick: 0)', positiveInt)
    .option('--case <names...>', `cases to run (default: all): ${ALL_CASES.join(', ')}`)
    .option('--out <dir>', 'folder for latest.json, table.md and scaling.svg', DEFAULT_OUT)
    .option('--work-dir <dir>', 'folder for the checkpoint files (default: a new folder in the OS temp folder)')
    .option('--no-cold', 'do not drop the page cache to measure cold loads')
    .option('--timeout <seconds>', 'longest one child process may run', positiveInt, 1800)
    .parse(argv);
  const opts = program.opts<CliOptions>();
  const unknown = (opts.case ?? []).filter((c) => !ALL_CASES.includes(c));
  if (unknown.length) program.error(`unknown case ${unknown.join(', ')}; cases: ${ALL_CASES.join(', ')}`);
  const selected = new Set(opts.case ?? ALL_CASES);

  const mode = opts.quick ? 'quick' : 'full';
  const workDir = opts.workDir ? path.resolve(opts.workDir) : fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-bench-'));
  fs.mkdirSync(workDir, { recursive: true });
  const started = Date.now();
  const log = (line: string) => process.stderr.write(`[${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${line}\n`);
  const plan: RunPlan = {
    mode,
    warmup: opts.warmup ?? (opts.quick ? 0 : 1),
    reps: Math.max(1, opts.reps ?? (opts.quick ? 1 : 5)),
    maxReps: opts.maxReps ?? (opts.quick ? 1 : 15),
    budgetMs: opts.budget * 1000,
    cold: opts.cold,
    workDir,
    timeoutMs: opts.timeout * 1000,
    concurrency: opts.quick ? 2 : 1,
    log,
  };

  const cases: CaseResult[] = [];
  let dedup: DedupResult | undefined;
  let torch: TorchComparison | undefined;
  let resume: ResumeTime[] | undefined;
  let saveBlocking: BenchResults['saveBlocking'];
  try {
    for (const c of CASES) if (selected.has(c.name)) cases.push(await runCase(c, plan));
    if (selected.has(DEDUP_CASE.name)) dedup = await runDedup(plan);
    if (selected.has('torch')) torch = await runTorchComparison(plan);
    if (selected.has('resume')) resume = await runResumeTimes(plan);
    if (selected.has(SAVE_BLOCKING_CASE)) {
      log('save blocking: profiling case and tensors, blocked vs durable');
      saveBlocking = measureSaveBlocking({ quick: opts.quick, reps: plan.reps, workDir, timeoutMs: plan.timeoutMs });
    }
  } finally {
    if (!opts.workDir) fs.rmSync(workDir, { recursive: true, force: true });
  }

  const first = cases.flatMap((c) => c.variants.flatMap((v) => Object.values(v.subjects))).find((s) => s?.status === 'ok');
  const measured = first?.status === 'ok' ? first.measure : undefined;
  const coldRefused = measured?.coldRefused;
  const results: BenchResults = {
    schema: 1,
    date: new Date().toISOString(),
    mode,
    command:
      process.env.npm_lifecycle_event === 'bench'
        ? `npm run bench${argv.length > 2 ? ` -- ${argv.slice(2).join(' ')}` : ''}`
        : `node dist/bench/run.js${argv.length > 2 ? ` ${argv.slice(2).join(' ')}` : ''}`,
    machine: machineInfo(workDir),
    backend: measured?.backend ?? 'unknown',
    memoryMethod: measured?.memoryMethod ?? 'unknown',
    warmup: plan.warmup,
    reps: plan.reps,
    maxReps: plan.maxReps,
    coldMeasured: plan.cold && !coldRefused && measured?.loadCold !== undefined,
    coldNote: !plan.cold ? 'disabled with --no-cold' : coldRefused ? `dropping the page cache was refused (${coldRefused}); run as root to measure them` : '',
    cases,
    ...(dedup ? { dedup } : {}),
    ...(torch ? { torch } : {}),
    ...(resume ? { resume } : {}),
    ...(saveBlocking ? { saveBlocking } : {}),
    targets: [...checkTargets(cases, dedup), ...scriptTargets(torch, resume)],
    durationSeconds: Math.round((Date.now() - started) / 1000),
  };

  fs.mkdirSync(opts.out, { recursive: true });
  fs.writeFileSync(path.join(opts.out, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(opts.out, 'table.md'), markdownReport(results));
  if (saveBlocking) fs.appendFileSync(path.join(opts.out, 'table.md'), saveBlockingTable(saveBlocking));
  if (cases.some((c) => c.name === 'scaling')) fs.writeFileSync(path.join(opts.out, 'scaling.svg'), await scalingChart(results));
  process.stdout.write(`${browserBundleLine(await browserBundleSize())}\n`);
  if (saveBlocking) process.stdout.write(saveBlockingTable(saveBlocking));
  process.stdout.write(`${textReport(results)}\n\nwrote ${path.join(opts.out, 'latest.json')}, table.md${cases.some((c) => c.name === 'scaling') ? ', scaling.svg' : ''} in ${results.durationSeconds} s\n`);
}

main(process.argv).catch((err) => {
  process.stderr.write(`bench failed: ${(err as Error)?.stack ?? String(err)}\n`);
  process.exitCode = 1;
});
