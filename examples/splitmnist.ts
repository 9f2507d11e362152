#!/usr/bin/env node
/**
 * The main job: the original's checkpointing guide as written — task-incremental
 * SplitMNIST (task labels), a SimpleMLP with two outputs per task turned multi-head by
 * `asMultitask`, SGD lr 0.01 momentum 0.9, mini-batches of 128, two epochs per
 * experience, replay of 500 samples, the guide's evaluator and loggers — checkpointed
 * after every experience. Run it, stop it (Ctrl-C, SIGTERM, or kill -9), run it again:
 * it resumes where the last checkpoint left it and ends with the metrics of a run that
 * never stopped.
 *
 *   npm start                                        # the guide
 *   npm start -- --scenario class --epochs 1         # class-incremental, one head
 *   npm start -- --plugins ewc --ewc-lambda 5000 --checkpoint-dir ck-ewc
 *   npm start -- --benchmark synthetic --metrics-out out/   # the small test benchmark
 *
 * A run is defined by the command line that started it (stored in its checkpoints); a
 * later command line that contradicts it is refused (exit 2) with the flag, both values
 * and the way out. Command-line mistakes print one line, never a stack trace
 * (`REPRISE_DEBUG=1` shows it for other errors).
 */
import { parseCommandLine, CommandLineError } from './splitmnist-options.js';

/** Prints `err` as one line on stderr and exits: 2 for a usage error, 1 otherwise. */
function fail(err: unknown, clearProgress: () => void): never {
  clearProgress();
  const debug = process.env.REPRISE_DEBUG === '1';
  const e = err instanceof Error ? err : new Error(String(err));
  const oneLine = (s: string) => s.replace(/\s*\n\s*/g, ' ').trim();
  if (e instanceof CommandLineError) {
    process.stderr.write(`error: ${oneLine(e.message)}\n`);
    process.exit(2);
  }
  const errorCode = (e as Error & { code?: unknown }).code;
  const code = typeof errorCode === 'string' ? ` [${errorCode}]` : '';
  process.stderr.write(`error${code}: ${oneLine(e.message)}${debug ? '' : ' (REPRISE_DEBUG=1 shows the stack trace)'}\n`);
  if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
  process.exit(1);
}

let clearProgress = (): void => {};
try {
  const parsed = parseCommandLine(process.argv.slice(2));
  // The heavy part (tfjs, the library) is loaded only once the command line is sound.
  const run = await import('./splitmnist-run.js');
  clearProgress = run.clearProgress;
  await run.main(parsed);
} catch (err) {
  fail(err, clearProgress);
}
