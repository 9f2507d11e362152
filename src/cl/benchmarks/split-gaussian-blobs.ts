import { constructorSerialized } from '../../registry/index.js';
import { GaussianBlobsDataset } from './gaussian-blobs.js';
import type { SplitOptions } from './nc-benchmark.js';
import { SplitBenchmark } from './split-benchmark.js';

export interface SplitGaussianBlobsOptions extends SplitOptions {
  nFeatures: number;
  nClasses: number;
  /** Training samples per class. */
  samplesPerClass: number;
  /** Test samples per class. Default: `samplesPerClass`. */
  testSamplesPerClass?: number;
  /** Seeds the data (and the class order when `fixedClassOrder` is not given). */
  seed: number;
  /** See {@link GaussianBlobsDataset}. Default 2. */
  separation?: number;
  /** See {@link GaussianBlobsDataset}. Default 1. */
  spread?: number;
}

/**
 * The small synthetic benchmark of the tests: Gaussian blobs split by class into
 * experiences, built exactly as {@link SplitMNIST}.
 */
@constructorSerialized({ name: 'reprise.cl.SplitGaussianBlobs', deduplicate: true, args: (b: SplitGaussianBlobs) => [b.options] })
export class SplitGaussianBlobs extends SplitBenchmark<SplitGaussianBlobsOptions> {
  constructor(options: SplitGaussianBlobsOptions) {
    const common = {
      nFeatures: options.nFeatures,
      nClasses: options.nClasses,
      seed: options.seed,
      ...(options.separation === undefined ? {} : { separation: options.separation }),
      ...(options.spread === undefined ? {} : { spread: options.spread }),
    };
    super(
      new GaussianBlobsDataset({ ...common, samplesPerClass: options.samplesPerClass, split: 'train' }),
      new GaussianBlobsDataset({ ...common, samplesPerClass: options.testSamplesPerClass ?? options.samplesPerClass, split: 'test' }),
      options,
    );
  }
}
