import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/tensor/backend.js';
import { SplitGaussianBlobs, type SplitGaussianBlobsOptions } from '../../src/cl/benchmarks/index.js';
import type { Experience } from '../../src/cl/benchmarks/index.js';
import { SimpleMLP, type SimpleMLPOptions } from '../../src/cl/models/index.js';
import type { MetricResults } from '../../src/cl/evaluation/index.js';
import type { SupervisedTemplate } from '../../src/cl/training/index.js';

/** Starts the tensor backend quietly (WebAssembly here, or REPRISE_BACKEND). */
export async function setupBackend(): Promise<void> {
  process.env.REPRISE_QUIET = '1';
  await initBackend({ quiet: true });
}

/** 10 Gaussian blobs in 8 dimensions, 5 experiences of 2 classes, 60 train / 30 test samples per class. */
export function smallBenchmark(options: Partial<SplitGaussianBlobsOptions> = {}): SplitGaussianBlobs {
  return new SplitGaussianBlobs({
    nExperiences: 5,
    nFeatures: 8,
    nClasses: 10,
    samplesPerClass: 60,
    testSamplesPerClass: 30,
    seed: 3,
    ...options,
  });
}

/** A SimpleMLP sized for {@link smallBenchmark}, no dropout unless asked. */
export function smallModel(options: SimpleMLPOptions = {}): SimpleMLP {
  return new SimpleMLP({ inputSize: 8, numClasses: 10, hiddenSize: 32, dropRate: 0, ...options });
}

/** Trains on each experience of `stream` and evaluates on `testStream` after each; returns the eval results. */
export async function trainAndEvaluate(
  strategy: SupervisedTemplate,
  train: readonly Experience[],
  test: readonly Experience[],
): Promise<MetricResults[]> {
  const results: MetricResults[] = [];
  for (const exp of train) {
    await strategy.train(exp);
    results.push(await strategy.eval(test));
  }
  return results;
}

/** The values of a tensor as a plain array (for deep equality). */
export function values(t: tf.Tensor): number[] {
  return Array.from(t.dataSync());
}

/** Stream accuracy of task 0 in an eval result. */
export function streamAccuracy(result: MetricResults, task = 0): number {
  return result[`Top1_Acc_Stream/eval_phase/test_stream/Task${String(task).padStart(3, '0')}`] as number;
}
