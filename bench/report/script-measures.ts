import { RESUME_PARTS, type BenchResults, type ResumeTime, type TargetResult, type TorchComparison } from '../lib/results.js';
import { bytes, ms, ratio, timing } from './format.js';

/** Resuming the example's run in a fresh process takes less than this (issue 11). */
const RESUME_TARGET_MS = 1500;

/**
 * The targets of the torch comparison (profiling case: load ≤ 0.7× torch.load, durable
 * save ≤ 1.0× torch.save + fsync) and of the fresh-process resume (the example's run
 * under 1.5 s).
 */
export function scriptTargets(torch: TorchComparison | undefined, resume: readonly ResumeTime[] | undefined): TargetResult[] {
  const out: TargetResult[] = [];
  if (torch && !('skipped' in torch)) {
    const load = torch.reprise.load.median / torch.torch.load.median;
    out.push({ caseName: 'torch', metric: 'torch', target: 'profiling case: load ≤ 0.7× torch.load', measured: ratio(load), pass: load <= 0.7 });
    const save = torch.reprise.save.median / torch.torch.save.median;
    out.push({ caseName: 'torch', metric: 'torch', target: 'profiling case: durable save ≤ 1.0× torch.save + fsync', measured: ratio(save), pass: save <= 1.0 });
  }
  const example = resume?.find((r) => r.kind === 'replay');
  if (example) {
    const total = example.total.median;
    out.push({ caseName: 'resume', metric: 'resume', target: `fresh-process resume of the example's run < ${ms(RESUME_TARGET_MS)}`, measured: ms(total), pass: total < RESUME_TARGET_MS });
  }
  return out;
}

/** The torch comparison as lines: a skip note, or reprise and torch side by side. */
export function torchLines(r: BenchResults): string[] {
  const t = r.torch;
  if (!t) return [];
  if ('skipped' in t) return [t.skipped];
  const row = (what: 'save' | 'load') =>
    `${what === 'save' ? 'durable save' : 'load'}: reprise ${timing(t.reprise[what])}, torch ${timing(t.torch[what])} (reprise ÷ torch ${ratio(t.reprise[what].median / t.torch[what].median)})`;
  return [
    `Against the original's own path (torch ${t.torchVersion}: torch.save + fsync + rename / torch.load, with dill) on the profiling case, ${t.rounds} alternating rounds in one process each:`,
    row('save'),
    row('load'),
    `file: reprise ${bytes(t.repriseBytes)}, torch ${bytes(t.torchBytes)}`,
    ...r.targets.filter((x) => x.metric === 'torch').map((x) => `${x.target}: ${x.measured} ${x.pass ? 'PASS' : 'MISS'}`),
  ];
}

/** The fresh-process resumes as a table: one column per run kind, one row per part. */
export function resumeTable(r: BenchResults): { header: string[]; rows: string[][]; notes: string[] } | undefined {
  if (!r.resume?.length) return undefined;
  const header = ['fresh-process resume', ...r.resume.map((x) => `${x.kind === 'replay' ? "the example's run" : 'profiling case'} (${bytes(x.fileBytes)}, ${x.runs} run${x.runs === 1 ? '' : 's'})`)];
  const rows = [...RESUME_PARTS.map(([k, label]) => [label, ...r.resume!.map((x) => timing(x.parts[k]!))]), ['total to first iteration', ...r.resume.map((x) => timing(x.total))]];
  const notes = [
    'Each run is a fresh `node` process that imports the engine and the cl layer, starts the backend, builds the run as a script does, restores the checkpoint with maybeLoadCheckpoint and trains until its first iteration ends; times from process start (medians over the runs).',
    ...r.targets.filter((x) => x.metric === 'resume').map((x) => `${x.target}: ${x.measured} ${x.pass ? 'PASS' : 'MISS'}`),
  ];
  return { header, rows, notes };
}
