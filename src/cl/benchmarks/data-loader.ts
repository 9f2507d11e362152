import { serializable } from '../../registry/index.js';
import { RNGManager } from '../rng/rng-manager.js';
import { requireInteger, type ClassificationDataset } from './dataset.js';
import { gatherMiniBatch, type MiniBatch } from './mini-batch.js';

/** What a strategy iterates over in one epoch. */
export interface BatchSource extends Iterable<MiniBatch> {
  /** Number of mini-batches of one pass. */
  readonly length: number;
}

/**
 * The position inside the pass being iterated: the pass's order (drawn when it
 * started) and the index of the next batch. Set while a pass runs, so that a
 * checkpoint taken between two iterations holds it and a restored loader continues
 * the same pass at the next batch instead of drawing a new order.
 */
export interface PassPosition {
  order: Int32Array;
  /** Index of the next batch to yield. */
  next: number;
  /** Replay only: the memory's current order and the next sample of it. */
  memOrder?: Int32Array;
  memNext?: number;
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
@serializable({ name: 'reprise.cl.DataLoader' })
export class DataLoader implements BatchSource {
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  /** The pass in progress (between two batches of it), else undefined. */
  pass: PassPosition | undefined = undefined;

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

  /** The order of a new pass: drawn from the managed generator when shuffling. */
  drawOrder(): Int32Array {
    const n = this.dataset.length;
    return this.shuffle ? RNGManager.permutation(n) : Int32Array.from({ length: n }, (_, i) => i);
  }

  /** The indices of batch `b` of `order`. */
  batchIndices(order: Int32Array, b: number): Int32Array {
    return order.subarray(b * this.batchSize, Math.min(this.dataset.length, (b + 1) * this.batchSize));
  }

  /** Continues the pass in progress (a restored loader) or starts a new one. */
  *[Symbol.iterator](): Iterator<MiniBatch> {
    const pass = (this.pass ??= { order: this.drawOrder(), next: 0 });
    try {
      while (pass.next < this.length) {
        const b = pass.next++;
        yield gatherMiniBatch([[this.dataset, this.batchIndices(pass.order, b)]]);
      }
    } finally {
      this.pass = undefined;
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
@serializable({ name: 'reprise.cl.ReplayDataLoader' })
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
    const { dataset, shuffle } = this.data;
    const m = this.memory.length;
    const memOrder = (): Int32Array => (shuffle ? RNGManager.permutation(m) : Int32Array.from({ length: m }, (_, i) => i));
    // The data loader's pass holds the memory's position too, so one field is the whole position.
    let pass = this.data.pass;
    if (pass === undefined) {
      const order = this.data.drawOrder();
      pass = this.data.pass = { order, next: 0, memOrder: m > 0 ? memOrder() : new Int32Array(0), memNext: 0 };
    }
    try {
      while (pass.next < this.length) {
        const b = pass.next++;
        const dataPart = this.data.batchIndices(pass.order, b);
        if (m === 0) {
          yield gatherMiniBatch([[dataset, dataPart]]);
          continue;
        }
        if (pass.memNext! >= m) {
          pass.memOrder = memOrder();
          pass.memNext = 0;
        }
        const memPart = pass.memOrder!.subarray(pass.memNext!, Math.min(m, pass.memNext! + this.batchSizeMem));
        pass.memNext = pass.memNext! + memPart.length;
        yield gatherMiniBatch([
          [dataset, dataPart],
          [this.memory, memPart],
        ]);
      }
    } finally {
      this.data.pass = undefined;
    }
  }
}
