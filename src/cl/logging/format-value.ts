import type { MetricValue } from '../core/metric-value.js';

function formatNumber(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(4);
}

/**
 * A metric value as the text and CSV loggers print it: a number with 4 decimals (every
 * metric of the original is a float and prints as `f"{v:.4f}"`), `nan`/`inf` as Python
 * prints them, a record as `{key: value, …}` in its key order.
 */
export function formatMetricValue(value: MetricValue['value']): string {
  if (typeof value === 'number') return formatNumber(value);
  const parts = Object.entries(value).map(([k, v]) => `${k}: ${typeof v === 'number' ? formatNumber(v) : String(v)}`);
  return `{${parts.join(', ')}}`;
}
