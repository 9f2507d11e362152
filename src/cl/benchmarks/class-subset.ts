import { CheckpointError, UsageError } from '../../errors.js';
import { constructorSerialized } from '../../registry/index.js';
import type { ClassificationDataset } from './dataset.js';

/**
 * The samples of `source` whose class is in `classes`, in the source's order, all with
 * task label `taskLabel`: one experience's data. A checkpoint stores the source, the
 * classes and the task label — never the samples — and loading with the benchmark in
 * `uniqueObjects` reuses the live subset.
 */
@constructorSerialized({ name: 'reprise.cl.ClassSubsetDataset', deduplicate: true })
export class ClassSubsetDataset implements ClassificationDataset {
  /** Ascending classes this subset holds. */
  readonly classes: number[];
  /** Positions in `source` of this subset's samples. */
  readonly indices: Int32Array;
  readonly targets: Int32Array;
  readonly taskLabels: Int32Array;

  /**
   * @throws UsageError `BAD_CONFIG` when `classes` is empty or holds a non-integer,
   * or `taskLabel` is not a non-negative integer.
   */
  constructor(readonly source: ClassificationDataset, classes: readonly number[], readonly taskLabel: number) {
    if (!Array.isArray(classes) || classes.length === 0 || !classes.every((c) => Number.isInteger(c))) {
      throw new UsageError('BAD_CONFIG', `classes must be a non-empty array of integers, got ${JSON.stringify(classes)}`, { path: '.classes' });
    }
    if (!Number.isInteger(taskLabel) || taskLabel < 0) {
      throw new UsageError('BAD_CONFIG', `taskLabel must be a non-negative integer, got ${String(taskLabel)}`, { path: '.taskLabel' });
    }
    this.classes = [...new Set(classes)].sort((a, b) => a - b);
    const wanted = new Set(this.classes);
    const all = source.targets;
    let count = 0;
    for (let i = 0; i < all.length; i++) if (wanted.has(all[i]!)) count++;
    this.indices = new Int32Array(count);
    this.targets = new Int32Array(count);
    for (let i = 0, k = 0; i < all.length; i++) {
      if (wanted.has(all[i]!)) {
        this.indices[k] = i;
        this.targets[k++] = all[i]!;
      }
    }
    this.taskLabels = new Int32Array(count).fill(taskLabel);
  }

  get length(): number {
    return this.indices.length;
  }

  get featureSize(): number {
    return this.source.featureSize;
  }

  copyFeatures(index: number, out: Float32Array, offset: number): void {
    this.source.copyFeatures(this.indices[index]!, out, offset);
  }
}
