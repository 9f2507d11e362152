import { RNGManager } from '../rng/rng-manager.js';
import { requireInteger, type ClassificationDataset } from './dataset.js';
import { gatherMiniBatch, type MiniBatch } from './mini-batch.js';

/** What a strategy iterates over in one epoch. */
export interface BatchSource extends Iterable<MiniBatch> {
  /** Number of mini-batches of one pass. */
  readonly length: number;
}

export interface DataLoaderOptions {
  batchSize: number;
  /** Draw a new order every pass from `RNGManager`'s library generator. Default false. */
  shuffle?: boolean;
  /** Drop a last batch smaller than `batchSize`. Default false. */
  dropLast?: boolean;
}

/**
 * Mini-batches of a dataset, shuffled by the managed generator (so a seeded run is
 * reproducible and a resumed one continues the same sequence). Each pass draws its
 * order when it starts. The caller disposes every batch's tensors.
 */
export class DataLoader implements BatchSource {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;

  /** @throws UsageError `BAD_CONFIG` when `batchSize` is not a positive integer. */
  constructor(readonly dataset: ClassificationDataset, options: DataLoaderOptions) {
    this.batchSize = requireInteger(options.batchSize, 1, '.batchSize');
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
  }

  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  *[Symbol.iterator](): Iterator<MiniBatch> {
    const n = this.dataset.length;
    const order = this.shuffle ? RNGManager.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    for (let b = 0; b < this.length; b++) {
      yield gatherMiniBatch([[this.dataset, order.subarray(b * this.batchSize, Math.min(n, (b + 1) * this.batchSize))]]);
    }
  }
}

export interface ReplayDataLoaderOptions extends DataLoaderOptions {
  /** Samples drawn from the memory for each batch. Default: `batchSize`. */
  batchSizeMem?: number;
}

/**
 * The original's `ReplayDataLoader`: each batch is `batchSize` samples of the current
 * data followed by up to `batchSizeMem` samples of the memory. One pass covers the
 * current data once; the memory is cycled (reshuffled each time it is used up), so a
 * small memory is over-sampled.
 */
export class ReplayDataLoader implements BatchSource {
  private readonly data: DataLoader;
  readonly batchSizeMem: number;

  constructor(data: ClassificationDataset, readonly memory: ClassificationDataset, options: ReplayDataLoaderOptions) {
    this.data = new DataLoader(data, options);
    this.batchSizeMem = requireInteger(options.batchSizeMem ?? options.batchSize, 1, '.batchSizeMem');
  }

  get length(): number {
    return this.data.length;
  }

  *[Symbol.iterator](): Iterator<MiniBatch> {
    const { dataset, batchSize, shuffle } = this.data;
    const n = dataset.length;
    const m = this.memory.length;
    const order = shuffle ? RNGManager.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
    const memOrder = (): Int32Array => (shuffle ? RNGManager.permutation(m) : Int32Array.from({ length: m }, (_, i) => i));
    let mem = m > 0 ? memOrder() : new Int32Array(0);
    let memPos = 0;
    for (let b = 0; b < this.length; b++) {
      const dataPart = order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize));
      if (m === 0) {
        yield gatherMiniBatch([[dataset, dataPart]]);
        continue;
      }
      if (memPos >= m) {
        mem = memOrder();
        memPos = 0;
      }
      const memPart = mem.subarray(memPos, Math.min(m, memPos + this.batchSizeMem));
      memPos += memPart.length;
      yield gatherMiniBatch([
        [dataset, dataPart],
        [this.memory, memPart],
      ]);
    }
  }
}
