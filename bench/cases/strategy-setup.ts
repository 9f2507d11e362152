import * as tf from '#tfjs-core';
import {
  accuracyMetrics,
  EvaluationPlugin,
  EWCPlugin,
  lossMetrics,
  LwFPlugin,
  Naive,
  ReplayPlugin,
  RNGManager,
  SimpleMLP,
  SplitGaussianBlobs,
  SplitMNIST,
  type SplitBenchmark,
  type StrategyPlugin,
} from '../../src/cl/index.js';
import type { Mode } from './types.js';

/** A benchmark and a strategy built as a training script builds them, before any checkpoint. */
export interface Run {
  benchmark: SplitBenchmark;
  strategy: Naive;
}

/** Which run a strategy case measures. */
export type RunKind = 'profiling' | 'replay';

/**
 * The two runs of the strategy cases, as a script builds them (seeded, so every process
 * builds the same):
 * - `profiling`, the original's own profiling case: Naive with
 *   `SimpleMLP({ inputSize: 3072, numClasses: 100 })`, SGD with momentum, an evaluator
 *   with accuracy and loss metrics, on 100-class Gaussian blobs of 3,072 features
 *   (CIFAR-100's size; the data are not the point);
 * - `replay`: Naive with `SimpleMLP()` on SplitMNIST (quick mode: 784-feature blobs)
 *   with `ReplayPlugin({ memSize: 500 })`, `LwFPlugin` (a frozen model copy) and
 *   `EWCPlugin` (parameters and importances).
 */
export function buildRun(kind: RunKind, mode: Mode): Run {
  RNGManager.setRandomSeeds(1234);
  const evaluator = () =>
    new EvaluationPlugin(
      accuracyMetrics({ minibatch: true, epoch: true, experience: true, stream: true }),
      lossMetrics({ minibatch: true, epoch: true, experience: true, stream: true }),
    );
  if (kind === 'profiling') {
    const benchmark = new SplitGaussianBlobs({ nExperiences: 10, nFeatures: 3072, nClasses: 100, samplesPerClass: mode === 'full' ? 8 : 2, testSamplesPerClass: 2, seed: 7 });
    const model = new SimpleMLP({ inputSize: 3072, numClasses: 100 });
    const strategy = new Naive({ model, optimizer: tf.train.momentum(0.01, 0.9), trainMbSize: 16, trainEpochs: 1, evalMbSize: 64, evaluator });
    return { benchmark, strategy };
  }
  const benchmark =
    mode === 'full'
      ? new SplitMNIST({ nExperiences: 5, seed: 1234 })
      : new SplitGaussianBlobs({ nExperiences: 5, nFeatures: 784, nClasses: 10, samplesPerClass: 40, seed: 7 });
  const plugins: StrategyPlugin[] = [new ReplayPlugin({ memSize: 500 }), new LwFPlugin({ alpha: 1, temperature: 2 }), new EWCPlugin({ lambda: 0.4 })];
  const strategy = new Naive({
    model: new SimpleMLP(),
    optimizer: tf.train.momentum(0.01, 0.9),
    trainMbSize: 128,
    trainEpochs: 1,
    evalMbSize: 512,
    plugins,
    evaluator,
  });
  return { benchmark, strategy };
}

/** Trains the run "a few steps" as its case describes: the state a checkpoint then holds. */
export async function trainRun(kind: RunKind, run: Run): Promise<void> {
  const { benchmark, strategy } = run;
  const experiences = kind === 'profiling' ? 1 : 2;
  for (let e = 0; e < experiences; e++) {
    await strategy.train(benchmark.trainStream[e]!);
    await strategy.eval(benchmark.testStream.slice(0, experiences));
  }
}
