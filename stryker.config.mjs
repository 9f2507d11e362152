// Mutation testing (StrykerJS): `npm run mutate`. Not run in CI (too slow); see README, "Development".
//
// Stryker copies the project into .stryker-tmp/, instruments the TypeScript sources of
// the chosen folders with every mutant at once (each switched on by an environment
// variable), builds the copy with tsc (decorator metadata needs tsc), and runs the
// compiled test files with Node's test runner, whose TAP output the tap runner reads.
// Coverage is per test file: a mutant only runs the files that reach it.
//
//   npm run mutate                                     # src/format, graph, registry, tensor, checkpoint
//   MUTATE_FOLDERS=registry npm run mutate             # one folder, with its own tests
//   MUTATE_FOLDERS=format MUTATE_TESTS='dist/test/format/corrupted-files.test.js' npm run mutate
//   npm run mutate -- --mutate 'src/format/header.ts'  # narrower still (Stryker's own flag)
//
// The HTML report goes to reports/mutation/mutation.html, or <folder>.html for one folder (ignored by git).

import * as fs from 'node:fs';
import * as path from 'node:path';

const FOLDERS = ['format', 'graph', 'registry', 'tensor', 'checkpoint'];

/**
 * The tests that pin each folder: its mirror under test/, plus the suites elsewhere
 * that are about it. The process-spawning kill tests are left out (see SKIPPED).
 */
const TESTS = {
  format: ['test/format', 'test/checkpoint/public-api.test.ts'],
  graph: ['test/graph'],
  registry: ['test/registry', 'test/graph/registered-classes.test.ts'],
  tensor: ['test/tensor'],
  checkpoint: ['test/checkpoint', 'test/cl/state-after-load.test.ts'],
};
const SKIPPED = new Set([
  // These run the example in child processes (about a minute each, per mutant): the
  // in-process tests of each folder are what Stryker runs.
  'test/checkpoint/kill-and-resume.test.ts',
  'test/checkpoint/kill-inside-experience.test.ts',
  'test/checkpoint/exact-resume.test.ts',
  'test/checkpoint/object-store-resume.test.ts',
  // Kills child processes at random moments (seconds per run, and random by design);
  // atomic-write-faults.test pins the same guarantees deterministically.
  'test/format/atomic-write.test.ts',
  // Loads each hostile file in a child process (7 s per run). Coverage is collected in the
  // parent only, which just builds the streams, so it would run for the stream-building
  // mutants and never for the decoder's it is about; limits.test pins those limits in-process.
  'test/graph/cost-bounds.test.ts',
]);

/** The compiled test files (dist/test/…/*.test.js) under a test folder or for one test file. */
function compiled(entry) {
  const sources = entry.endsWith('.ts')
    ? [entry]
    : fs.readdirSync(entry, { recursive: true }).map((f) => path.posix.join(entry, String(f).split(path.sep).join('/')));
  return sources.filter((f) => f.endsWith('.test.ts') && !SKIPPED.has(f)).map((f) => `dist/${f.replace(/\.ts$/, '.js')}`);
}

const folders = (process.env.MUTATE_FOLDERS ?? FOLDERS.join(','))
  .split(',')
  .map((f) => f.trim())
  .filter(Boolean);
for (const f of folders) if (!FOLDERS.includes(f)) throw new Error(`MUTATE_FOLDERS: unknown folder "${f}" (one of ${FOLDERS.join(', ')})`);

/** One folder's run writes its own report (reports/mutation/format.html, …); the full run writes mutation.html. */
const reportName = folders.length === FOLDERS.length ? 'mutation' : folders.join('+');

const testFiles = process.env.MUTATE_TESTS ? process.env.MUTATE_TESTS.split(',') : [...new Set(folders.flatMap((f) => TESTS[f].flatMap(compiled)))].sort();

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  packageManager: 'npm',
  mutate: [...folders.map((f) => `src/${f}/**/*.ts`), '!src/**/index.ts'],
  // Build the instrumented copy; the tests run on its dist/.
  buildCommand: 'tsc -p tsconfig.json', // runs before node_modules is linked into the sandbox; tsc is on the PATH
  ignorePatterns: ['dist', 'reports', 'checkpoints', 'logs', 'bench/out'],
  testRunner: 'tap',
  tap: {
    testFiles,
    nodeArgs: ['--test-reporter=tap', '-r', '{{hookFile}}', '{{testFile}}'],
  },
  checkers: ['typescript'],
  // Error message wording is not behaviour (tests pin code/path/offset): see stryker/error-message-ignorer.mjs.
  plugins: ['@stryker-mutator/*', './stryker/error-message-ignorer.mjs'],
  ignorers: ['error-message'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  coverageAnalysis: 'perTest',
  concurrency: 2,
  // Added to 1.5 × a test file's own time: a mutant that makes a loop endless is cut off after that.
  timeoutMS: 10000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: `reports/mutation/${reportName}.html` },
  jsonReporter: { fileName: `reports/mutation/${reportName}.json` },
  // With `--reporters progress,event-recorder,…`, each tested mutant is written here as it is done (survivors before the run ends).
  eventReporter: { baseDir: `reports/mutation/events-${reportName}` },
  thresholds: { high: 85, low: 70, break: null },
  // `npm run mutate -- --incremental` re-tests only the mutants whose code or tests changed since the last run of the same folders.
  incrementalFile: `reports/stryker-incremental-${folders.join('+')}.json`,
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
