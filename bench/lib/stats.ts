/** Median and spread of repeated measurements, as stored in results and printed in tables. */
export interface Summary {
  /** Every measured sample, in run order (warm-up excluded). */
  samples: number[];
  median: number;
  min: number;
  max: number;
  /** Half the range (max - min) over the median: the "±" printed beside a median. */
  spread: number;
}

/** Summarises `samples` (at least one). */
export function summarize(samples: readonly number[]): Summary {
  if (samples.length === 0) throw new Error('summarize: no samples');
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  const min = sorted[0]!;
  const max = sorted[sorted.length - 1]!;
  return { samples: [...samples], median, min, max, spread: median > 0 ? (max - min) / 2 / median : 0 };
}

/** Least-squares slope of `ys` over 1, 2, … n: growth per step. */
export function slope(ys: readonly number[]): number {
  const n = ys.length;
  if (n < 2) return 0;
  const xm = (n + 1) / 2;
  const ym = ys.reduce((a, b) => a + b, 0) / n;
  let num = 0;
  let den = 0;
  ys.forEach((y, i) => {
    num += (i + 1 - xm) * (y - ym);
    den += (i + 1 - xm) ** 2;
  });
  return num / den;
}
