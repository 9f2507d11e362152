import type { SubjectName } from '../cases/types.js';
import type { BenchResults, CaseResult, DedupResult, SubjectResult, TargetResult, VariantResult } from '../lib/results.js';
import { slope } from '../lib/stats.js';
import { SUBJECT_ORDER, SUBJECTS } from '../subjects/index.js';
import { bytes, ms, ratio, timing } from './format.js';

type Ok = Extract<SubjectResult, { status: 'ok' }>;
type MetricKey = TargetResult['metric'] | 'loadFresh' | 'saveMemory';

interface Metric {
  key: MetricKey;
  label: string;
  /** The value and its text, or undefined when not measured. */
  of(r: Ok): { value: number; text: string } | undefined;
}

const METRICS: readonly Metric[] = [
  { key: 'size', label: 'file size', of: (r) => ({ value: r.measure.fileBytes, text: bytes(r.measure.fileBytes) }) },
  { key: 'save', label: 'save (fsync)', of: (r) => ({ value: r.measure.save.median, text: timing(r.measure.save) }) },
  { key: 'loadWarm', label: 'load, warm cache', of: (r) => ({ value: r.measure.loadWarm.median, text: timing(r.measure.loadWarm) }) },
  { key: 'loadCold', label: 'load, cold cache', of: (r) => (r.measure.loadCold ? { value: r.measure.loadCold.median, text: timing(r.measure.loadCold) } : undefined) },
  { key: 'loadFresh', label: 'load, fresh process', of: (r) => (r.loadMemory ? { value: r.loadMemory.loadMs, text: ms(r.loadMemory.loadMs) } : undefined) },
  { key: 'saveMemory', label: 'save peak RSS', of: (r) => ({ value: r.measure.saveMemory.extra, text: `+${bytes(r.measure.saveMemory.extra)}` }) },
  {
    key: 'loadMemory',
    label: 'load peak RSS',
    of: (r) => (r.loadMemory ? { value: r.loadMemory.memory.extra, text: `+${bytes(r.loadMemory.memory.extra)}` } : undefined),
  },
];

/** Column headings of the main table. */
export function mainHeader(): string[] {
  return ['case', 'metric', ...SUBJECT_ORDER.map((s) => SUBJECTS[s].label), 'target'];
}

/**
 * The main table's rows: for each case variant, one row per metric; reprise's value,
 * then each baseline's value with its ratio to reprise's (baseline ÷ reprise: above 1×,
 * reprise is smaller or faster), then the targets of that row with PASS/MISS.
 */
export function mainRows(results: BenchResults): string[][] {
  const rows: string[][] = [];
  for (const c of results.cases) {
    for (const v of c.variants) {
      let first = true;
      for (const m of METRICS) {
        const cells = subjectCells(v, m);
        if (cells.every((x) => x === '' || x === 'n/a')) continue;
        const targets = results.targets
          .filter((t) => t.caseName === c.name && t.variantId === v.id && t.metric === m.key)
          .map((t) => `${t.target}: ${t.measured} ${t.pass ? 'PASS' : 'MISS'}`)
          .join('; ');
        rows.push([first ? `${c.title}: ${v.label}` : '', m.label, ...cells, targets]);
        first = false;
      }
    }
  }
  return rows;
}

function subjectCells(v: VariantResult, m: Metric): string[] {
  const ours = v.subjects.reprise?.status === 'ok' ? m.of(v.subjects.reprise) : undefined;
  return SUBJECT_ORDER.map((name: SubjectName) => {
    const r = v.subjects[name];
    if (!r) return '';
    if (r.status !== 'ok') return m.key === 'size' ? (r.status === 'skipped' ? 'skipped¹' : r.status === 'n/a' ? 'n/a' : `error: ${r.reason.slice(0, 60)}`) : r.status === 'n/a' ? 'n/a' : '';
    const x = m.of(r);
    if (!x) return '';
    if (name === 'reprise' || !ours) return x.text;
    return `${x.text} (${ratio(x.value / ours.value)})`;
  });
}

/** Notes on skipped and failed subjects, for under the table. */
export function skipNotes(cases: readonly CaseResult[]): string[] {
  const notes: string[] = [];
  for (const c of cases) {
    for (const v of c.variants) {
      for (const name of SUBJECT_ORDER) {
        const r = v.subjects[name];
        if (r && r.status === 'skipped') notes.push(`¹ ${c.title}, ${v.label}: ${r.reason}.`);
        if (r && r.status === 'error') notes.push(`${c.title}, ${v.label}, ${SUBJECTS[name].label}: error: ${r.reason}`);
        if (r && r.status === 'ok' && r.loadMemoryError) notes.push(`${c.title}, ${v.label}, ${SUBJECTS[name].label}: fresh-process load failed: ${r.loadMemoryError}`);
      }
    }
  }
  return notes;
}

export function dedupHeader(): string[] {
  return ['cycle', 'file (uniqueObjects)', 'RSS (uniqueObjects)', 'file (without)', 'RSS (without)', 'datasets alive (without)', 'load (uniqueObjects)', 'load (without)'];
}

/** One row per stop/resume cycle, then the growth per cycle (least squares over cycles 2…n). */
export function dedupRows(d: DedupResult): string[][] {
  const withU = d.series.find((s) => s.unique)?.cycles ?? [];
  const without = d.series.find((s) => !s.unique)?.cycles ?? [];
  const n = Math.max(withU.length, without.length);
  const rows: string[][] = [];
  for (let i = 0; i < n; i++) {
    const a = withU[i];
    const b = without[i];
    rows.push([
      String(i + 1),
      a ? bytes(a.fileBytes) : '',
      a ? bytes(a.rssAfterCycle) : '',
      b ? bytes(b.fileBytes) : '',
      b ? bytes(b.rssAfterCycle) : '',
      b ? String(b.datasetsAlive) : '',
      a && i > 0 ? ms(a.loadMs) : '',
      b && i > 0 ? ms(b.loadMs) : '',
    ]);
  }
  const per = (xs: number[]) => `${slope(xs) >= 0 ? '+' : ''}${bytes(slope(xs))}/cycle`;
  rows.push([
    'growth',
    per(withU.slice(1).map((c) => c.fileBytes)),
    per(withU.slice(1).map((c) => c.rssAfterCycle)),
    per(without.slice(1).map((c) => c.fileBytes)),
    per(without.slice(1).map((c) => c.rssAfterCycle)),
    '',
    '',
    '',
  ]);
  return rows;
}

/** The targets that belong to no row of the main table (de-duplication), as lines. */
export function dedupTargetLines(results: BenchResults): string[] {
  return results.targets.filter((t) => t.metric === 'dedup').map((t) => `${t.target}: ${t.measured} ${t.pass ? 'PASS' : 'MISS'}`);
}
