import type { Summary } from '../lib/stats.js';

/** Bytes in decimal units: `512 B`, `41.2 kB`, `200.0 MB`, `1.20 GB`. */
export function bytes(n: number): string {
  const abs = Math.abs(n);
  if (abs < 1e3) return `${Math.round(n)} B`;
  if (abs < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  if (abs < 1e9) return `${(n / 1e6).toFixed(1)} MB`;
  return `${(n / 1e9).toFixed(2)} GB`;
}

/** Milliseconds with three significant digits: `0.412 ms`, `41.2 ms`, `1.23 s`. */
export function ms(n: number): string {
  if (n >= 1000) return `${(n / 1000).toFixed(n >= 10_000 ? 1 : 2)} s`;
  if (n >= 100) return `${n.toFixed(0)} ms`;
  if (n >= 10) return `${n.toFixed(1)} ms`;
  return `${n.toFixed(n >= 1 ? 2 : 3)} ms`;
}

/** A median with its spread: `41.2 ms ±3%`. */
export function timing(s: Summary): string {
  return s.samples.length > 1 ? `${ms(s.median)} ±${Math.round(s.spread * 100)}%` : ms(s.median);
}

/** A ratio: `1.12×`. */
export function ratio(r: number): string {
  if (!Number.isFinite(r)) return '—';
  return r >= 100 ? `${r.toFixed(0)}×` : r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

/** Pads a table of strings into aligned columns with a separator line under the header. */
export function alignedTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/** A Markdown table; `|` inside cells is escaped. */
export function markdownTable(header: string[], rows: string[][]): string {
  const esc = (c: string) => c.replace(/\|/g, '\\|');
  return [`| ${header.map(esc).join(' | ')} |`, `| ${header.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n');
}
