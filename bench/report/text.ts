import type { BenchResults } from '../lib/results.js';
import { alignedTable } from './format.js';
import { machineLine, methodNotes } from './notes.js';
import { resumeTable, torchLines } from './script-measures.js';
import { dedupHeader, dedupRows, dedupTargetLines, mainHeader, mainRows, skipNotes } from './rows.js';

/** The plain terminal report: main table, notes, de-duplication table, target summary. */
export function textReport(r: BenchResults): string {
  const parts = [`reprise bench (${r.mode}) — ${machineLine(r)}`, '', alignedTable(mainHeader(), mainRows(r))];
  const skips = skipNotes(r.cases);
  if (skips.length) parts.push('', ...skips);
  if (r.dedup) {
    parts.push('', `${r.dedup.title}: ${r.dedup.description}`, '', alignedTable(dedupHeader(), dedupRows(r.dedup)), ...dedupTargetLines(r));
    for (const s of r.dedup.series) if (s.error) parts.push(`${s.unique ? 'with' : 'without'} uniqueObjects: error: ${s.error}`);
  }
  const torch = torchLines(r);
  if (torch.length) parts.push('', ...torch);
  const resume = resumeTable(r);
  if (resume) parts.push('', alignedTable(resume.header, resume.rows), ...resume.notes);
  const missed = r.targets.filter((t) => !t.pass);
  parts.push('', `targets: ${r.targets.length - missed.length} PASS, ${missed.length} MISS`, ...missed.map((t) => `  MISS ${t.caseName}${t.variantId ? `/${t.variantId}` : ''}: ${t.target}: ${t.measured}`));
  parts.push('', ...methodNotes(r).map((n) => `- ${n}`));
  return parts.join('\n');
}
