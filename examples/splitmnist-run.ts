/**
 * The main job's body, step by step as the original's checkpointing guide: seeds,
 * benchmark, the checkpoint plugin and the newest checkpoint; the model, plugins,
 * evaluator and strategy only when not resuming; then training from `initialExp`.
 */
import * as tf from '#tfjs-core';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CheckpointPlugin, Device, initBackend, StopSignal } from '../src/index.js';
import {
  accuracyMetrics,
  asIncremental,
  asMultitask,
  classAccuracyMetrics,
  CSVLogger,
  Cumulative,
  CWRStarPlugin,
  EvaluationPlugin,
  EWCPlugin,
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
  writeAboveProgress,
  clearProgressBars,
  type BaseLogger,
  type CLModel,
  type MetricResults,
  type SplitBenchmark,
  type StrategyPlugin,
  type SupervisedTemplate,
} from '../src/cl/index.js';
import { JsonMetricsLogger } from './json-metrics-logger.js';
import { RunConfiguration } from './run-configuration.js';
import { describeConflicts, describeRun, N_EXPERIENCES, CommandLineError, type ParsedCommandLine, type RunConfig } from './splitmnist-options.js';

/** Clears a live progress bar so that an error line prints whole. */
export const clearProgress = clearProgressBars;

/** Prints a line of the example on stdout, above any live progress bar. */
function say(line: string): void {
  writeAboveProgress(process.stdout, line);
}

function buildBenchmark(c: RunConfig): SplitBenchmark {
  const returnTaskId = c.scenario === 'task';
  return c.benchmark === 'synthetic'
    ? new SplitGaussianBlobs({ nExperiences: N_EXPERIENCES, nFeatures: 16, nClasses: 10, samplesPerClass: 60, testSamplesPerClass: 20, seed: c.seed, returnTaskId })
    : new SplitMNIST({ nExperiences: N_EXPERIENCES, seed: c.seed, returnTaskId });
}

/** The guide's model: a SimpleMLP, multi-head through `asMultitask` (or one head, fixed or growing). */
function buildModel(c: RunConfig, benchmark: SplitBenchmark): CLModel {
  const inputSize = c.benchmark === 'synthetic' ? 16 : 28 * 28;
  const perExperience = benchmark.nClasses / benchmark.nExperiences;
  if (c.head === 'single') return new SimpleMLP({ inputSize, numClasses: benchmark.nClasses, hiddenSize: c.hiddenSize });
  const mlp = new SimpleMLP({ inputSize, numClasses: perExperience, hiddenSize: c.hiddenSize });
  return c.head === 'multi' ? asMultitask(mlp, 'classifier') : asIncremental(mlp, 'classifier');
}

function buildPlugins(c: RunConfig, model: CLModel): StrategyPlugin[] {
  return c.plugins.map((name): StrategyPlugin => {
    switch (name) {
      case 'replay':
        return new ReplayPlugin({ memSize: c.memSize });
      case 'lwf':
        return new LwFPlugin({ alpha: c.lwfAlpha, temperature: c.lwfTemperature });
      case 'ewc':
        return new EWCPlugin(c.ewcMode === 'online' ? { lambda: c.ewcLambda, mode: 'online', decayFactor: c.ewcDecay! } : { lambda: c.ewcLambda });
      case 'si':
        return new SynapticIntelligencePlugin({ lambda: c.siLambda });
      case 'gdumb':
        return new GDumbPlugin({ memSize: c.memSize });
      case 'cwr':
        return new CWRStarPlugin(model);
    }
  });
}

/**
 * The stream accuracy over the whole test stream: the per-task `Top1_Acc_Stream` values
 * weighted by each task's number of test samples (one task in the class scenario).
 */
export function streamAccuracy(results: MetricResults, benchmark: SplitBenchmark): number | undefined {
  const samples = new Map<number, number>();
  for (const exp of benchmark.testStream) for (const t of exp.taskLabels) samples.set(t, (samples.get(t) ?? 0) + exp.dataset.length);
  let sum = 0;
  let weight = 0;
  for (const [task, n] of samples) {
    const acc = results[`Top1_Acc_Stream/eval_phase/test_stream/Task${String(task).padStart(3, '0')}`];
    if (typeof acc !== 'number') return undefined;
    sum += acc * n;
    weight += n;
  }
  return weight > 0 ? sum / weight : undefined;
}

/**
 * What may change between sessions, applied to a restored run: the interactive report
 * on or off (`--quiet`), where metrics files go (`--metrics-out`). The text, CSV and
 * TensorBoard logs continue in the run's own folder; a different `--log-dir` is noted.
 */
function applySession(strategy: SupervisedTemplate, session: ParsedCommandLine['session']): void {
  const evaluator = strategy.evaluator;
  const loggers = evaluator.loggers.filter((l) => !(l instanceof InteractiveLogger) && !(l instanceof JsonMetricsLogger));
  if (!session.quiet) loggers.push(evaluator.loggers.find((l) => l instanceof InteractiveLogger) ?? new InteractiveLogger());
  if (session.metricsOut) loggers.push(new JsonMetricsLogger(session.metricsOut));
  evaluator.loggers = loggers;
  const text = loggers.find((l): l is TextLogger => l instanceof TextLogger);
  if (text && path.resolve(path.dirname(text.path)) !== path.resolve(session.logDir)) {
    say(`reprise example: this run's logs continue in ${path.dirname(text.path)} (--log-dir ${session.logDir} applies to new runs)`);
  }
}

export async function main({ config, session, explicit }: ParsedCommandLine): Promise<void> {
  const backend = await initBackend();

  // 1. Fix every seed first: the benchmark must be rebuilt identically on resume.
  RNGManager.setRandomSeeds(config.seed);
  const device = new Device('cpu');
  const benchmark = buildBenchmark(config);

  // 2. The checkpoint plugin, and 3. load the newest checkpoint if there is one.
  // A folder, or any storage URL (s3://bucket/prefix with the AWS environment); written in
  // the background: training goes on while a checkpoint is written (captured at the call).
  // With --checkpoint-every N, also every N training iterations (named <k>.<i>, one line
  // each is not printed; their blocking time is summed in the last line).
  let blockedMs = 0;
  let iterationCheckpoints = 0;
  const checkpointPlugin = new CheckpointPlugin(session.checkpointDir, {
    mapLocation: device,
    uniqueObjects: benchmark,
    writeInBackground: true,
    everyIterations: session.checkpointEvery,
    keepLast: session.keepLast,
    onCheckpoint: (t) => {
      blockedMs += t.blockedMs;
      if (t.name.includes('.')) {
        iterationCheckpoints++;
        return;
      }
      say(`checkpoint ${t.name} stored: blocked training ${t.blockedMs.toFixed(1)} ms, durable after ${t.durableMs.toFixed(1)} ms`);
    },
  });
  let [strategy, initialExp] = await checkpointPlugin.loadCheckpointIfExists<SupervisedTemplate>();

  if (strategy !== null) {
    // A resumed run keeps the settings it was started with.
    const stored = RunConfiguration.find(strategy.plugins)?.values;
    if (stored === undefined) {
      throw new CommandLineError(`the checkpoints in ${session.checkpointDir} hold no run configuration (written by another script); use another --checkpoint-dir or delete ${session.checkpointDir}`);
    }
    const conflicts = describeConflicts(stored, config, explicit, session.checkpointDir);
    if (conflicts) throw new CommandLineError(conflicts);
    if (session.stopAfter !== undefined && session.stopAfter < initialExp && initialExp < benchmark.trainStream.length) {
      throw new CommandLineError(`--stop-after ${session.stopAfter} would never stop: this run resumes at experience ${initialExp}; give a later experience or leave the flag out`);
    }
    applySession(strategy, session);
    const at = strategy.trainingPosition;
    const where = at === undefined ? `experience ${initialExp}` : `experience ${initialExp}, epoch ${strategy.clock.trainExpEpochs}, iteration ${strategy.clock.trainEpochIterations}`;
    say(`reprise example: resumed at ${where} from ${session.checkpointDir} (${backend} backend): ${describeRun(config)}`);
  } else {
    // Only when not resuming: create the model, plugins, metrics, loggers and strategy.
    const model = buildModel(config, benchmark);
    const optimizer = config.optimizer === 'adam' ? tf.train.adam(config.lr) : tf.train.momentum(config.lr, config.momentum);
    const plugins: StrategyPlugin[] = [checkpointPlugin, ...buildPlugins(config, model), new RunConfiguration(config) as StrategyPlugin];
    // Loggers open their files lazily: building them here, before a resume replaces
    // them, creates nothing. Restored ones continue their files where the checkpoint was.
    const loggers: BaseLogger[] = [
      new TextLogger(path.join(session.logDir, 'log.txt')),
      new CSVLogger(session.logDir),
      new TensorboardLogger(session.logDir),
    ];
    if (!session.quiet) loggers.push(new InteractiveLogger());
    if (session.metricsOut) loggers.push(new JsonMetricsLogger(session.metricsOut));
    const evaluator = new EvaluationPlugin(
      accuracyMetrics({ epoch: true, experience: true, stream: true }),
      lossMetrics({ epoch: true, experience: true, stream: true }),
      classAccuracyMetrics({ stream: true }),
      { loggers },
    );
    const Strategy = config.strategy === 'cumulative' ? Cumulative : Naive;
    strategy = new Strategy({
      model,
      optimizer,
      trainMbSize: config.batchSize,
      trainEpochs: config.epochs,
      evalMbSize: config.evalBatchSize,
      device,
      plugins,
      evaluator,
    });
    say(`reprise example: new run: ${describeRun(config)} (${backend} backend); checkpoints in ${session.checkpointDir}`);
  }
  if (session.metricsOut) fs.mkdirSync(session.metricsOut, { recursive: true });

  // 4. Train from the first experience not yet checkpointed. SIGINT/SIGTERM stop the
  // run cleanly after the current experience is evaluated and checkpointed.
  const stop = new StopSignal().install(['SIGINT', 'SIGTERM'], (line) => writeAboveProgress(process.stderr, line));
  const started = performance.now();
  for (const experience of benchmark.trainStream.slice(initialExp)) {
    const index = experience.currentExperience;
    await strategy.train(experience);
    const results = await strategy.eval(benchmark.testStream); // the CheckpointPlugin saves here
    const acc = streamAccuracy(results, benchmark);
    say(`experience ${index}: stream accuracy ${acc === undefined ? '?' : acc.toFixed(4)}; checkpoint ${index + 1} being written`);
    if (session.stopAfter === index) {
      say(`stopping after experience ${index} as asked (--stop-after); run again to resume`);
      await stop.exit(0); // waits for the checkpoint being written
    }
    if (stop.requested) {
      say(`stopped by ${stop.signal} after experience ${index}; run again to resume`);
      await stop.exit(0);
    }
  }
  stop.dispose();
  await checkpointPlugin.flush(); // the last checkpoint is stored; a failed write throws here
  const sessionMs = performance.now() - started;
  if (blockedMs > 0) {
    const share = ((100 * blockedMs) / sessionMs).toFixed(2);
    say(`checkpoints blocked training for ${blockedMs.toFixed(1)} ms in all (${share}% of this session's ${(sessionMs / 1000).toFixed(1)} s${iterationCheckpoints > 0 ? `; ${iterationCheckpoints} iteration checkpoints` : ''})`);
  }
  const trained = benchmark.trainStream.length - initialExp;
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  say(`done: ${benchmark.trainStream.length} experiences trained${trained > 0 ? ` (${trained} in this session, ${seconds} s)` : ''}; delete ${session.checkpointDir} to start over`);
}
