#!/usr/bin/env node
/**
 * `reprise inspect <file>` and `reprise verify <files…>`. Arguments are parsed with
 * Node's own `util.parseArgs`, so the command adds no dependency to the package.
 */
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import { describeError, formatReport, inspectBytes } from './inspect.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

const USAGE = `Usage: reprise <command> [options]

Inspect and verify reprise checkpoints without running any code they name.

Commands:
  inspect [--json] [--sections <n>] <file>   verify a checkpoint and describe its header, sections and object graph
                                             (--json: print the report as JSON; --sections: list at most n, default 40)
  verify <files...>                          check files completely (structure and every checksum); exit 1 if any is broken

Options:
  -V, --version   print the version
  -h, --help      print this help
`;

function inspect(args: string[]): void {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: { json: { type: 'boolean' }, sections: { type: 'string', default: '40' } },
  });
  if (positionals.length !== 1) throw new UsageMistake(`inspect takes exactly one file, got ${positionals.length}`);
  const sections = Number(values.sections);
  if (!Number.isInteger(sections) || sections < 0) throw new UsageMistake(`--sections must be a non-negative integer, got ${values.sections}`);
  const file = positionals[0]!;
  try {
    const report = inspectBytes(fs.readFileSync(file));
    console.log(values.json ? JSON.stringify(report, null, 2) : formatReport(file, report, sections));
  } catch (err) {
    console.error(`${file}: ${describeError(err)}`);
    process.exitCode = 1;
  }
}

function verify(args: string[]): void {
  const { positionals: files } = parseArgs({ args, allowPositionals: true, options: {} });
  if (files.length === 0) throw new UsageMistake('verify needs at least one file');
  for (const file of files) {
    try {
      const r = inspectBytes(fs.readFileSync(file));
      console.log(`${file}: OK (${r.bytes} bytes, ${r.sections.length} sections)`);
    } catch (err) {
      console.log(`${file}: BROKEN — ${describeError(err)}`);
      process.exitCode = 1;
    }
  }
}

/** A wrong command line: printed with the usage, exit code 2. */
class UsageMistake extends Error {}

function main(argv: string[]): void {
  const [command, ...rest] = argv;
  if (command === '-V' || command === '--version') return void console.log(version);
  if (command === undefined || command === '-h' || command === '--help' || command === 'help') return void process.stdout.write(USAGE);
  try {
    if (command === 'inspect') inspect(rest);
    else if (command === 'verify') verify(rest);
    else throw new UsageMistake(`unknown command "${command}"`);
  } catch (err) {
    // parseArgs throws TypeErrors with an ERR_PARSE_ARGS_* code for unknown options.
    const parseError = typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS');
    if (!(err instanceof UsageMistake) && !parseError) throw err;
    process.stderr.write(`reprise: ${(err as Error).message}\n\n${USAGE}`);
    process.exitCode = 2;
  }
}

main(process.argv.slice(2));
