#!/usr/bin/env node
import { Command } from 'commander';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import { describeError, formatReport, inspectBytes } from './inspect.js';

const { version } = createRequire(import.meta.url)('../../../package.json') as { version: string };

const program = new Command()
  .name('reprise')
  .description('Inspect and verify reprise checkpoints without running any code they name.')
  .version(version);

program
  .command('inspect')
  .description('verify a checkpoint and describe its header, sections and object graph')
  .argument('<file>', 'checkpoint file')
  .option('--json', 'print the report as JSON')
  .option('--sections <n>', 'list at most n sections', '40')
  .action((file: string, opts: { json?: boolean; sections: string }) => {
    try {
      const report = inspectBytes(fs.readFileSync(file));
      console.log(opts.json ? JSON.stringify(report, null, 2) : formatReport(file, report, Number(opts.sections)));
    } catch (err) {
      console.error(`${file}: ${describeError(err)}`);
      process.exitCode = 1;
    }
  });

program
  .command('verify')
  .description('check files completely (structure and every checksum); exit 1 if any is broken')
  .argument('<files...>', 'checkpoint files')
  .action((files: string[]) => {
    for (const file of files) {
      try {
        const r = inspectBytes(fs.readFileSync(file));
        console.log(`${file}: OK (${r.bytes} bytes, ${r.sections.length} sections)`);
      } catch (err) {
        console.log(`${file}: BROKEN — ${describeError(err)}`);
        process.exitCode = 1;
      }
    }
  });

program.parse();
