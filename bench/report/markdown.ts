import type { BenchResults } from '../lib/results.js';
import { markdownTable } from './format.js';
import { machineLine, methodNotes } from './notes.js';
import { resumeTable, torchLines } from './script-measures.js';
import { dedupHeader, dedupRows, dedupTargetLines, mainHeader, mainRows, skipNotes } from './rows.js';

/** `bench/results/table.md`: the README's performance section, ready to paste. */
export function markdownReport(r: BenchResults): string {
  const parts = [
    '## Performance',
    '',
    `Measured with \`${r.command}\` on ${machineLine(r)}.`,
    '',
    markdownTable(mainHeader(), mainRows(r)),
  ];
  const skips = skipNotes(r.cases);
  if (skips.length) parts.push('', ...skips.map((s) => `${s}  `));
  if (r.dedup) {
    parts.push('', `### ${r.dedup.title}`, '', r.dedup.description, '', markdownTable(dedupHeader(), dedupRows(r.dedup)), '', ...dedupTargetLines(r).map((l) => `- ${l}`));
  }
  const torch = torchLines(r);
  if (torch.length) parts.push('', '### Against torch.save / torch.load', '', ...torch.map((l, i) => (i === 0 ? l : `- ${l}`)));
  const resume = resumeTable(r);
  if (resume) parts.push('', '### Resuming in a fresh process', '', markdownTable(resume.header, resume.rows), '', ...resume.notes.map((n) => `- ${n}`));
  const missed = r.targets.filter((t) => !t.pass);
  parts.push('', `Targets: ${r.targets.length - missed.length} PASS, ${missed.length} MISS.`, '', '### How to read it', '', ...methodNotes(r).map((n) => `- ${n}`), '');
  return parts.join('\n');
}
