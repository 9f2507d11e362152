import { UsageError } from '../../errors.js';

/**
 * A classification dataset as the CL layer sees it: flat float features, one class
 * label and one task label per sample. Data loaders, replay buffers and metrics need
 * nothing more; features are copied out row by row into a mini-batch buffer.
 */
export interface ClassificationDataset {
  /** Number of samples. */
  readonly length: number;
  /** Number of features of one sample (flattened). */
  readonly featureSize: number;
  /** Class label of every sample (do not mutate). */
  readonly targets: Int32Array;
  /** Task label of every sample (do not mutate). */
  readonly taskLabels: Int32Array;
  /** Writes the `featureSize` features of sample `index` into `out[offset …]`. */
  copyFeatures(index: number, out: Float32Array, offset: number): void;
}

/** True for objects that implement {@link ClassificationDataset}. */
export function isClassificationDataset(value: unknown): value is ClassificationDataset {
  const v = value as ClassificationDataset | null;
  return (
    typeof v === 'object' && v !== null &&
    typeof v.length === 'number' && typeof v.featureSize === 'number' &&
    v.targets instanceof Int32Array && v.taskLabels instanceof Int32Array &&
    typeof v.copyFeatures === 'function'
  );
}

/** The distinct values of `labels`, ascending. */
export function uniqueSorted(labels: ArrayLike<number>): number[] {
  const seen = new Set<number>();
  for (let i = 0; i < labels.length; i++) seen.add(labels[i]!);
  return [...seen].sort((a, b) => a - b);
}

/** Number of samples per label, as a Map ordered by label. */
export function countByLabel(labels: ArrayLike<number>): Map<number, number> {
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i]!, (counts.get(labels[i]!) ?? 0) + 1);
  return new Map([...counts].sort((a, b) => a[0] - b[0]));
}

/** Throws `BAD_CONFIG` at `path` unless `value` is an integer ≥ `min`. */
export function requireInteger(value: unknown, min: number, path: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new UsageError('BAD_CONFIG', `${path.replace(/^\./, '')} must be an integer ≥ ${min}, got ${String(value)}`, { path });
  }
  return value;
}
