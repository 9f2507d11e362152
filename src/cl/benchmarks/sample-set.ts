import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import type { ClassificationDataset } from './dataset.js';

/**
 * A list of samples named by reference — (dataset, index) pairs — never copied: what
 * replay buffers and GDumb's memory hold. The datasets are the benchmark's
 * de-duplicated ones, so a checkpoint of a buffer stores indices, not pixels. A
 * `SampleSet` is itself a {@link ClassificationDataset}, so it can be trained on.
 */
@serializable({ name: 'reprise.cl.SampleSet', exclude: ['targetsCache', 'taskLabelsCache'] })
export class SampleSet implements ClassificationDataset {
  /** The distinct datasets the samples come from, in order of first use. */
  readonly datasets: ClassificationDataset[];
  /** For each sample, the position of its dataset in `datasets`. */
  readonly sources: Int32Array;
  /** For each sample, its index in its dataset. */
  readonly indices: Int32Array;
  private targetsCache: Int32Array | undefined;
  private taskLabelsCache: Int32Array | undefined;

  /** @throws UsageError `BAD_CONFIG` when the arrays disagree in length or point outside. */
  constructor(datasets: ClassificationDataset[] = [], sources: Int32Array = new Int32Array(0), indices: Int32Array = new Int32Array(0)) {
    if (sources.length !== indices.length) {
      throw new UsageError('BAD_CONFIG', `sources (${sources.length}) and indices (${indices.length}) must have one entry per sample`);
    }
    for (let i = 0; i < sources.length; i++) {
      const ds = datasets[sources[i]!];
      if (!ds || indices[i]! < 0 || indices[i]! >= ds.length) {
        throw new UsageError('BAD_CONFIG', `sample ${i} points at dataset ${sources[i]}, index ${indices[i]}, which does not exist`);
      }
    }
    this.datasets = datasets;
    this.sources = sources;
    this.indices = indices;
  }

  /** The samples of `dataset` at `indices` (default: all of them), flattening a `SampleSet`. */
  static of(dataset: ClassificationDataset, indices?: ArrayLike<number>): SampleSet {
    if (dataset instanceof SampleSet) return indices === undefined ? dataset : dataset.subset(indices);
    const idx = indices === undefined ? Int32Array.from({ length: dataset.length }, (_, i) => i) : Int32Array.from(indices);
    return new SampleSet([dataset], new Int32Array(idx.length), idx);
  }

  get length(): number {
    return this.indices.length;
  }

  get featureSize(): number {
    return this.datasets[0]?.featureSize ?? 0;
  }

  get targets(): Int32Array {
    return (this.targetsCache ??= this.gatherLabels((d) => d.targets));
  }

  get taskLabels(): Int32Array {
    return (this.taskLabelsCache ??= this.gatherLabels((d) => d.taskLabels));
  }

  copyFeatures(index: number, out: Float32Array, offset: number): void {
    this.datasets[this.sources[index]!]!.copyFeatures(this.indices[index]!, out, offset);
  }

  /** The samples at `positions` of this set, in that order. */
  subset(positions: ArrayLike<number>): SampleSet {
    const sources = new Int32Array(positions.length);
    const indices = new Int32Array(positions.length);
    for (let k = 0; k < positions.length; k++) {
      const p = positions[k]!;
      if (!(p >= 0 && p < this.length)) throw new UsageError('BAD_CONFIG', `position ${p} is outside a sample set of ${this.length}`);
      sources[k] = this.sources[p]!;
      indices[k] = this.indices[p]!;
    }
    return new SampleSet(this.datasets, sources, indices).compact();
  }

  /** This set's samples followed by `other`'s. */
  concat(other: SampleSet): SampleSet {
    const datasets = [...this.datasets];
    const remap = other.datasets.map((d) => {
      const at = datasets.indexOf(d);
      if (at >= 0) return at;
      datasets.push(d);
      return datasets.length - 1;
    });
    const sources = new Int32Array(this.length + other.length);
    sources.set(this.sources);
    for (let i = 0; i < other.length; i++) sources[this.length + i] = remap[other.sources[i]!]!;
    const indices = new Int32Array(this.length + other.length);
    indices.set(this.indices);
    indices.set(other.indices, this.length);
    return new SampleSet(datasets, sources, indices).compact();
  }

  /** Drops datasets no sample refers to (keeps the order of the others). */
  private compact(): SampleSet {
    const used = new Uint8Array(this.datasets.length);
    for (const s of this.sources) used[s] = 1;
    if (used.every((u) => u === 1)) return this;
    const remap = new Int32Array(this.datasets.length).fill(-1);
    const datasets: ClassificationDataset[] = [];
    this.datasets.forEach((d, i) => {
      if (used[i]) {
        remap[i] = datasets.length;
        datasets.push(d);
      }
    });
    return new SampleSet(datasets, this.sources.map((s) => remap[s]!), this.indices);
  }

  private gatherLabels(pick: (d: ClassificationDataset) => Int32Array): Int32Array {
    const out = new Int32Array(this.length);
    const arrays = this.datasets.map(pick);
    for (let i = 0; i < out.length; i++) out[i] = arrays[this.sources[i]!]![this.indices[i]!]!;
    return out;
  }
}
