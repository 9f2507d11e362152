#!/usr/bin/env node
/**
 * The main job: continual learning on SplitMNIST with replay, checkpointed after every
 * experience, exactly as the checkpointing guide of the original walks through it.
 * Run it, stop it (Ctrl-C, SIGTERM, or kill -9), run it again: it resumes where the
 * last checkpoint left it and produces the metrics of a run that never stopped.
 *
 *   npm start                                  # SplitMNIST, replay, ./checkpoints
 *   npm start -- --plugins replay ewc --epochs 2 --stop-after 1
 *   npm start -- --benchmark synthetic --metrics-out out/  # the small test benchmark
 */
import 'reflect-metadata';
import * as tf from '@tensorflow/tfjs';
import { Command, InvalidArgumentError, Option } from 'commander';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointPlugin, Device, FileSystemCheckpointStorage, initBackend, StopSignal } from '../src/index.js';
import {
  accuracyMetrics,
  amcaMetrics,
  classAccuracyMetrics,
  CSVLogger,
  CWRStarPlugin,
  EvaluationPlugin,
  EWCPlugin,
  forgettingMetrics,
  GDumbPlugin,
  InteractiveLogger,
  lossMetrics,
  LwFPlugin,
  Naive,
  ReplayPlugin,
  RNGManager,
  SimpleMLP,
  SplitGaussianBlobs,
  SplitMNIST,
  SynapticIntelligencePlugin,
  TensorboardLogger,
  TextLogger,
  type BaseLogger,
  type StrategyPlugin,
} from '../src/cl/index.js';
import { JsonMetricsLogger } from './json-metrics-logger.js';

const PLUGINS = ['replay', 'lwf', 'ewc', 'si', 'gdumb', 'cwr'] as const;
type PluginName = (typeof PLUGINS)[number];

function nonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
}

const program = new Command()
  .name('splitmnist')
  .description('Continual learning with checkpoint and resume (reprise example)')
  .addOption(new Option('--benchmark <name>', 'splitmnist (real MNIST) or synthetic (Gaussian blobs)').choices(['splitmnist', 'synthetic']).default('splitmnist'))
  .addOption(new Option('--plugins <names...>', 'training plugins, any combination; none for plain fine-tuning').choices([...PLUGINS, 'none']).default(['replay']))
  .option('--epochs <n>', 'training epochs per experience', nonNegativeInt, 1)
  .option('--seed <n>', 'seed of every random generator (keep it across save/resume)', nonNegativeInt, 1234)
  .option('--checkpoint-dir <dir>', 'where checkpoints go (one run per directory)', './checkpoints')
  .option('--log-dir <dir>', 'text, CSV and TensorBoard logs', './logs/checkpointing_example')
  .option('--stop-after <n>', 'exit 0 once experience n (0-based) is checkpointed', nonNegativeInt)
  .option('--metrics-out <dir>', 'write metrics_exp<N>.json (sorted keys) after each experience')
  .option('--mem-size <n>', 'replay / GDumb memory size', nonNegativeInt, 500)
  .option('--quiet', 'no progress report on stdout (logs are still written)')
  .parse();

const opts = program.opts<{
  benchmark: 'splitmnist' | 'synthetic';
  plugins: Array<PluginName | 'none'>;
  epochs: number;
  seed: number;
  checkpointDir: string;
  logDir: string;
  stopAfter?: number;
  metricsOut?: string;
  memSize: number;
  quiet?: boolean;
}>();

const backend = await initBackend();

// 1. Fix every seed first: the benchmark must be rebuilt identically on resume.
RNGManager.setRandomSeeds(opts.seed);
const device = new Device('cpu');

// The benchmark: datasets are stored in checkpoints as their constructor arguments.
const synthetic = opts.benchmark === 'synthetic';
const benchmark = synthetic
  ? new SplitGaussianBlobs({ nExperiences: 5, nFeatures: 16, nClasses: 10, samplesPerClass: 60, testSamplesPerClass: 20, seed: opts.seed })
  : new SplitMNIST({ nExperiences: 5, seed: opts.seed });
const inputSize = synthetic ? 16 : 28 * 28;

// 2. The checkpoint plugin, and 3. load the newest checkpoint if there is one.
const checkpointPlugin = new CheckpointPlugin(new FileSystemCheckpointStorage({ directory: opts.checkpointDir }), {
  mapLocation: device,
  uniqueObjects: benchmark,
});
let [strategy, initialExp] = await checkpointPlugin.loadCheckpointIfExists<Naive>();

// Only when not resuming: create the model, plugins, metrics, loggers and strategy.
if (strategy === null) {
  const model = new SimpleMLP({ inputSize, numClasses: benchmark.nClasses, hiddenSize: synthetic ? 32 : 512 });
  const optimizer = tf.train.momentum(0.01, 0.9);
  const plugins: StrategyPlugin[] = [checkpointPlugin];
  for (const name of opts.plugins) {
    if (name === 'replay') plugins.push(new ReplayPlugin({ memSize: opts.memSize }));
    if (name === 'lwf') plugins.push(new LwFPlugin({ alpha: 1, temperature: 2 }));
    if (name === 'ewc') plugins.push(new EWCPlugin({ lambda: synthetic ? 10 : 1000 }));
    if (name === 'si') plugins.push(new SynapticIntelligencePlugin({ lambda: synthetic ? 1 : 10 }));
    if (name === 'gdumb') plugins.push(new GDumbPlugin({ memSize: opts.memSize }));
    if (name === 'cwr') plugins.push(new CWRStarPlugin(model));
  }
  // Loggers open their files lazily: building them here, before a resume replaces
  // them, creates nothing. The restored ones continue their files.
  const loggers: BaseLogger[] = [
    new TextLogger(path.join(opts.logDir, 'log.txt')),
    new CSVLogger(opts.logDir),
    new TensorboardLogger(opts.logDir),
  ];
  if (!opts.quiet) loggers.push(new InteractiveLogger());
  if (opts.metricsOut) loggers.push(new JsonMetricsLogger(opts.metricsOut));
  const evaluator = new EvaluationPlugin(
    accuracyMetrics({ epoch: true, experience: true, stream: true }),
    lossMetrics({ epoch: true, experience: true, stream: true }),
    classAccuracyMetrics({ stream: true }),
    forgettingMetrics({ experience: true, stream: true }),
    amcaMetrics(),
    { loggers },
  );
  strategy = new Naive({ model, optimizer, trainMbSize: synthetic ? 32 : 128, trainEpochs: opts.epochs, evalMbSize: 1000, device, plugins, evaluator });
  console.log(`reprise example: new run on ${opts.benchmark} with ${opts.plugins.join(', ')} (${backend} backend); checkpoints in ${opts.checkpointDir}`);
} else {
  console.log(`reprise example: resumed at experience ${initialExp} from ${opts.checkpointDir} (${backend} backend)`);
}
if (opts.metricsOut) fs.mkdirSync(opts.metricsOut, { recursive: true });

// 4. Train from the first experience not yet checkpointed. SIGINT/SIGTERM stop the
// run cleanly after the current experience is evaluated and checkpointed.
const stop = new StopSignal().install();
for (const experience of benchmark.trainStream.slice(initialExp)) {
  const index = experience.currentExperience;
  await strategy.train(experience);
  const results = await strategy.eval(benchmark.testStream); // the CheckpointPlugin saves here
  const acc = results['Top1_Acc_Stream/eval_phase/test_stream/Task000'];
  console.log(`experience ${index}: stream accuracy ${typeof acc === 'number' ? acc.toFixed(4) : '?'}; checkpoint ${index + 1} saved`);
  if (opts.stopAfter === index) {
    console.log(`stopping after experience ${index} as asked (--stop-after); run again to resume`);
    process.exit(0);
  }
  if (stop.requested) {
    console.log(`stopped by ${stop.signal} after experience ${index}; run again to resume`);
    process.exit(0);
  }
}
stop.dispose();
console.log(`done: ${benchmark.trainStream.length} experiences trained; delete ${opts.checkpointDir} to start over`);
