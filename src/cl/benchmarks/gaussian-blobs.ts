import seedrandom from 'seedrandom';
import { CheckpointError, UsageError } from '../../errors.js';
import { constructorSerialized } from '../../registry/index.js';
import { standardNormal } from '../rng/sampling.js';
import { requireInteger, type ClassificationDataset } from './dataset.js';

export interface GaussianBlobsOptions {
  nFeatures: number;
  nClasses: number;
  samplesPerClass: number;
  /** Seeds the class centres (shared by both splits) and the samples (per split). */
  seed: number;
  /** Default `train`. */
  split?: 'train' | 'test';
  /** Standard deviation of the class centres around the origin, per feature. Default 2. */
  separation?: number;
  /** Standard deviation of the samples around their centre, per feature. Default 1. */
  spread?: number;
}

/**
 * A small synthetic classification dataset for tests: `nClasses` Gaussian blobs in
 * `nFeatures` dimensions, `samplesPerClass` samples each, class by class. Fully
 * determined by its options (its own seeded generators; the run's generators are not
 * touched), so a checkpoint stores only the options.
 */
@constructorSerialized({ name: 'reprise.cl.GaussianBlobsDataset', deduplicate: true })
export class GaussianBlobsDataset implements ClassificationDataset {
  readonly featureSize: number;
  /** `length × featureSize` features, row-major. */
  readonly features: Float32Array;
  readonly targets: Int32Array;
  readonly taskLabels: Int32Array;

  /** @throws UsageError `BAD_CONFIG` for a non-positive size or an unknown split. */
  constructor(readonly options: GaussianBlobsOptions) {
    const nFeatures = requireInteger(options?.nFeatures, 1, '.nFeatures');
    const nClasses = requireInteger(options.nClasses, 1, '.nClasses');
    const perClass = requireInteger(options.samplesPerClass, 1, '.samplesPerClass');
    const split = options.split ?? 'train';
    if (split !== 'train' && split !== 'test') {
      throw new UsageError('BAD_CONFIG', `split must be "train" or "test", got ${JSON.stringify(split)}`, { path: '.split' });
    }
    if (typeof options.seed !== 'number' || !Number.isFinite(options.seed)) {
      throw new UsageError('BAD_CONFIG', `seed must be a finite number, got ${String(options.seed)}`, { path: '.seed' });
    }
    const separation = options.separation ?? 2;
    const spread = options.spread ?? 1;
    const centreRandom = seedrandom(`gaussianBlobs:${options.seed}:centres`);
    const sampleRandom = seedrandom(`gaussianBlobs:${options.seed}:${split}`);
    const centres = new Float64Array(nClasses * nFeatures);
    for (let i = 0; i < centres.length; i++) centres[i] = separation * standardNormal(centreRandom);
    this.featureSize = nFeatures;
    this.features = new Float32Array(nClasses * perClass * nFeatures);
    this.targets = new Int32Array(nClasses * perClass);
    for (let c = 0, row = 0; c < nClasses; c++) {
      for (let s = 0; s < perClass; s++, row++) {
        this.targets[row] = c;
        for (let f = 0; f < nFeatures; f++) {
          this.features[row * nFeatures + f] = centres[c * nFeatures + f]! + spread * standardNormal(sampleRandom);
        }
      }
    }
    this.taskLabels = new Int32Array(this.targets.length);
  }

  get length(): number {
    return this.targets.length;
  }

  copyFeatures(index: number, out: Float32Array, offset: number): void {
    const n = this.featureSize;
    out.set(this.features.subarray(index * n, index * n + n), offset);
  }
}
