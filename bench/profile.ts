/**
 * Profiles reprise's save and load of one case variant, for finding where time goes:
 *
 *   node dist/bench/profile.js --case object-graph --variant o100000 --reps 10
 *
 * runs the saves and the loads in two phases under the V8 inspector's CPU profiler and
 * prints each phase's hottest functions by self time (and by total time), with file and
 * line. `--save-profiles <dir>` also writes the .cpuprofile files (open them in Chrome
 * DevTools or speedscope).
 */
import { Command } from 'commander';
import * as fs from 'node:fs';
import * as inspector from 'node:inspector';
import * as os from 'node:os';
import * as path from 'node:path';
import { initBackend } from '../src/index.js';
import { findCase } from './cases/index.js';
import { summarizeProfile, type CpuProfile } from './lib/cpu-profile.js';
import { disposeAll } from './lib/plain-graph.js';
import { SUBJECTS } from './subjects/index.js';
import type { SubjectName } from './cases/types.js';

const program = new Command()
  .requiredOption('--case <name>', 'case name')
  .option('--variant <id>', 'variant id (default: the first of full mode)')
  .option('--quick', 'use the quick-mode variants', false)
  .option('--subject <name>', 'subject to profile', 'reprise')
  .option('--reps <n>', 'saves and loads per phase', (v) => Number(v), 10)
  .option('--top <n>', 'functions listed per phase', (v) => Number(v), 25)
  .option('--save-profiles <dir>', 'also write the .cpuprofile files here')
  .parse();
const opts = program.opts<{ case: string; variant?: string; quick: boolean; subject: SubjectName; reps: number; top: number; saveProfiles?: string }>();

await initBackend({ quiet: true });
const c = findCase(opts.case);
const variants = c.variants(opts.quick ? 'quick' : 'full');
const variant = opts.variant ? variants.find((v) => v.id === opts.variant) : variants[0];
if (!variant) throw new Error(`no variant ${opts.variant}; variants: ${variants.map((v) => v.id).join(', ')}`);
const mode = opts.quick ? 'quick' : 'full';
const subject = SUBJECTS[opts.subject];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-profile-'));
const file = path.join(dir, 'checkpoint.bin');
const prepared = c.prepare ? path.join(dir, 'prepared.reprise') : undefined;
if (c.prepare) await c.prepare(variant, prepared!, mode);
const state = await c.build(variant, opts.subject, prepared, mode);

const session = new inspector.Session();
session.connect();
const post = <T>(method: string, params?: object) =>
  new Promise<T>((resolve, reject) => session.post(method, params, (err, res) => (err ? reject(err) : resolve(res as T))));
await post('Profiler.enable');
await post('Profiler.setSamplingInterval', { interval: 100 });

async function phase(name: string, fn: (i: number) => Promise<void>): Promise<void> {
  await fn(-1); // warm-up, unprofiled
  await post('Profiler.start');
  const t0 = performance.now();
  for (let i = 0; i < opts.reps; i++) await fn(i);
  const elapsed = performance.now() - t0;
  const { profile } = await post<{ profile: CpuProfile }>('Profiler.stop');
  if (opts.saveProfiles) {
    fs.mkdirSync(opts.saveProfiles, { recursive: true });
    fs.writeFileSync(path.join(opts.saveProfiles, `${c.name}-${variant!.id}-${opts.subject}-${name}.cpuprofile`), JSON.stringify(profile));
  }
  process.stdout.write(`\n== ${name}: ${(elapsed / opts.reps).toFixed(1)} ms per run (${opts.reps} runs)\n${summarizeProfile(profile, opts.top)}\n`);
}

try {
  await phase('save', () => subject.save(c, state, file));
  // What a load needs beforehand (a fresh strategy) is built before the profile starts.
  const targets: unknown[] = [];
  for (let i = 0; i <= opts.reps; i++) targets.push(await subject.prepareLoad(c, variant, mode));
  const loaded: unknown[] = [];
  await phase('load', async (i) => {
    loaded.push(await subject.load(c, file, targets[i + 1]));
  });
  for (const x of loaded) disposeAll(x);
} finally {
  session.disconnect();
  fs.rmSync(dir, { recursive: true, force: true });
}
