#!/usr/bin/env node
/**
 * `reprise inspect <file>` and `reprise verify <files…>`. Arguments are parsed with
 * Node's own `util.parseArgs`, so the command adds no dependency to the package.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { initBackend } from '../tensor/backend.js';
import { describeError, formatReport, inspectBytes, type InspectOptions } from './inspect.js';

/**
 * Exit codes: 0 every file is sound, 1 a file is broken or cannot be read, 2 the command
 * line is wrong (usage). Errors print one line, never a stack trace, unless
 * `REPRISE_DEBUG` is set (then the stack follows the line).
 */
export const EXIT_OK = 0;
export const EXIT_BROKEN = 1;
export const EXIT_USAGE = 2;

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };
const debug = Boolean(process.env.REPRISE_DEBUG);

const USAGE = `Usage: reprise <command> [options]

Inspect and verify reprise checkpoints without running any code they name.

Commands:
  inspect [--json] [--sections <n>] <file>   verify a checkpoint and describe its header, sections and object graph
                                             (--json: print the report as JSON; --sections: list at most n, default 40)
  verify <files...>                          check files completely (structure, every checksum, every value as load
                                             checks it, models and optimizers built and discarded); exit 1 if any is broken

Options of inspect and verify:
  --map-location <tag>   verify as load with mapLocation: <tag> would (e.g. cpu): tensors saved on a device this
                         process cannot serve (cuda:0) are refused without it, as load refuses them

Options:
  -V, --version   print the version
  -h, --help      print this help
`;

/** A wrong command line: one line and the usage hint on stderr, exit code 2. */
class UsageMistake extends Error {}

function report(prefix: string, err: unknown): void {
  console.error(`${prefix}${describeError(err)}`);
  if (debug && err instanceof Error && err.stack) console.error(err.stack);
}

function inspect(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, sections: { type: 'string', default: '40' }, 'map-location': { type: 'string' } },
  });
  if (positionals.length !== 1) throw new UsageMistake(`inspect takes exactly one file, got ${positionals.length}`);
  const sections = Number(values.sections);
  if (!Number.isSafeInteger(sections) || sections < 1) throw new UsageMistake(`--sections expects a positive integer, got "${values.sections}"`);
  const file = positionals[0]!;
  try {
    const r = inspectBytes(fs.readFileSync(file), inspectOptions(values['map-location']));
    console.log(values.json ? JSON.stringify(r, null, 2) : formatReport(file, r, sections));
  } catch (err) {
    report(`${file}: `, err);
    process.exitCode = EXIT_BROKEN;
  }
}

function verify(args: string[]): void {
  const { values, positionals: files } = parseArgs({ args, allowPositionals: true, options: { 'map-location': { type: 'string' } } });
  if (files.length === 0) throw new UsageMistake('verify needs at least one file');
  const options = inspectOptions(values['map-location']);
  for (const file of files) {
    try {
      const r = inspectBytes(fs.readFileSync(file), options);
      console.log(`${file}: OK (${r.bytes} bytes, ${r.sections.length} sections)`);
    } catch (err) {
      console.log(`${file}: BROKEN — ${describeError(err)}`);
      if (debug && err instanceof Error && err.stack) console.error(err.stack);
      process.exitCode = EXIT_BROKEN;
    }
  }
}

function inspectOptions(mapLocation: string | undefined): InspectOptions {
  if (mapLocation === '') throw new UsageMistake('--map-location expects a device tag such as cpu');
  return mapLocation === undefined ? {} : { mapLocation };
}

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === '-V' || command === '--version') return void console.log(version);
  if (command === '-h' || command === '--help' || command === 'help') return void process.stdout.write(USAGE);
  try {
    if (command === undefined) throw new UsageMistake('a command is needed');
    if (command !== 'inspect' && command !== 'verify') throw new UsageMistake(`unknown command "${command}"`);
    // Verify builds stored models and optimizers as load does (then discards them): it needs a backend, the one load would pick.
    await initBackend({ quiet: true });
    if (command === 'inspect') inspect(rest);
    else if (command === 'verify') verify(rest);
    else throw new UsageMistake(`unknown command "${command}"`);
  } catch (err) {
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for unknown or malformed options.
    const code = (err as { code?: unknown }).code;
    if (err instanceof UsageMistake || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`reprise: ${(err as Error).message}\n(run "reprise --help" for usage)\n`);
      process.exitCode = EXIT_USAGE;
    } else {
      report('reprise: ', err);
      process.exitCode = EXIT_BROKEN;
    }
  }
}

await main(process.argv.slice(2));
