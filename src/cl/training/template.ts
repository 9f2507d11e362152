import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import { CheckpointPlugin } from '../../checkpoint/index.js';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { Device } from '../../tensor/device.js';
import { DataLoader, type BatchSource } from '../benchmarks/data-loader.js';
import type { ClassificationDataset } from '../benchmarks/dataset.js';
import type { Experience } from '../benchmarks/experience.js';
import type { MetricValue } from '../core/metric-value.js';
import { disposeMiniBatch, type MiniBatch } from '../benchmarks/mini-batch.js';
import type { StrategyCallbackName, StrategyCallbacks } from '../core/callbacks.js';
import type { StrategyView } from '../core/strategy-view.js';
import { EvaluationPlugin, defaultEvaluator, type MetricResults } from '../evaluation/evaluation-plugin.js';
import type { CLModel } from '../models/cl-model.js';
import { trainableVariables } from '../models/parameters.js';
import { Clock } from './clock.js';
import { TrainingDivergedError } from './diverged-error.js';
import { crossEntropy, type Criterion } from './losses.js';
import { resetOptimizerState } from './optimizer-state.js';
import { useFastWasmMatMul } from './wasm-matmul.js';

/** A plugin: any subset of the strategy callbacks. */
export type StrategyPlugin = StrategyCallbacks<SupervisedTemplate>;

export interface SupervisedTemplateOptions {
  model: CLModel;
  optimizer: tf.Optimizer;
  /** Default {@link crossEntropy}. Register your own with `registerFunction` to checkpoint it. */
  criterion?: Criterion;
  /** Default 1, as the original. */
  trainMbSize?: number;
  /** Default 1. */
  trainEpochs?: number;
  /** Default 1, as the original. */
  evalMbSize?: number;
  /** Default `cpu`. Where the run's tensors live; recorded in checkpoints and remapped on load. */
  device?: Device | string;
  /** Default none. */
  plugins?: StrategyPlugin[];
  /** Default {@link defaultEvaluator}: accuracy and loss per epoch, experience and stream, no logger. */
  evaluator?: EvaluationPlugin | (() => EvaluationPlugin);
}

/** Callbacks that run inside the gradient tape and therefore must not be async. */
const TAPE_CALLBACKS = new Set<StrategyCallbackName>(['beforeForward', 'afterForward', 'beforeBackward']);

/** Fields that only live during a phase; never stored in a checkpoint. */
export const TRANSIENT_FIELDS = [
  'adaptedDataset',
  'dataloader',
  'mbX',
  'mbY',
  'mbTaskId',
  'mbYValues',
  'mbTaskValues',
  'mbOutput',
  'loss',
  'grads',
  'predictionsCache',
  'stopRequested',
] as const;

/**
 * Where training is inside an experience, kept on the strategy from the end of
 * `beforeTrainingExp` to the end of the experience, so that a checkpoint taken between
 * two iterations holds it: the experience, the data trained on, the data loader with
 * the pass in progress (its order and next batch), and the values the `train` call
 * has returned so far. The epoch and iteration are the clock's. A strategy restored
 * with a position continues that experience at the next iteration when `train` is
 * called with it.
 */
export interface TrainingPosition {
  /** `currentExperience` of the experience being trained. */
  experience: number;
  adaptedDataset: ClassificationDataset;
  dataloader: BatchSource;
  /** The metric values the interrupted `train` call had collected. */
  phaseValues: MetricValue[];
  /**
   * True from the end of `beforeTrainingEpoch` until `afterTrainingEpoch` starts: a
   * resume continues the clock's epoch (at the loader's next batch) instead of starting
   * the next one. So a checkpoint may be taken in any training callback from
   * `afterTrainingIteration` to `afterTrainingEpoch`, not only after iterations.
   */
  inEpoch: boolean;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * The original's `SupervisedTemplate`: trains on experiences and evaluates on streams,
 * calling the plugins' callbacks in the original's order (user plugins, then the
 * evaluator, then the {@link Clock}). Training is async between mini-batches (each
 * iteration ends with a turn of the event loop, so signal handlers run) while the
 * tensor work of an iteration is synchronous.
 *
 * Before each training experience the optimizer's state is reset (momentum, Adam
 * moments), as the original's `make_optimizer` → `reset_optimizer` does; the trained
 * variables are the model's trainable weights at that point (`trainableVariables`).
 *
 * A loss that is NaN or infinite stops training with a {@link TrainingDivergedError}
 * (code `LOSS_NOT_FINITE`, naming the experience, epoch and iteration) before the
 * optimizer applies that iteration's gradients.
 *
 * Inside an iteration, `beforeForward`, `afterForward` and `beforeBackward` run inside
 * the gradient tape and must be synchronous; a plugin adds a penalty with
 * {@link addLoss} in `beforeBackward`. The mini-batch (`mbX`, `mbY`, `mbTaskId`, and as
 * arrays `mbYValues`, `mbTaskValues`), `mbOutput`, `loss` and `grads` are valid until
 * `afterTrainingIteration` / `afterEvalIteration` returns, then disposed.
 */
@serializable({ name: 'reprise.cl.SupervisedTemplate', exclude: TRANSIENT_FIELDS })
export class SupervisedTemplate implements StrategyView {
  model: CLModel;
  optimizer: tf.Optimizer;
  criterion: Criterion;
  trainMbSize: number;
  trainEpochs: number;
  evalMbSize: number;
  device: Device;
  /** User plugins, then the evaluator, then the clock, then checkpoint plugins. */
  plugins: StrategyPlugin[];
  evaluator: EvaluationPlugin;
  clock: Clock;
  /** The experience being trained or evaluated on (the last one after a phase). */
  experience: Experience | undefined = undefined;
  /** True during `train`. */
  isTraining = false;
  /** Set while an experience is trained (see {@link TrainingPosition}); undefined between experiences. */
  trainingPosition: TrainingPosition | undefined = undefined;

  /** The dataset of the current experience after the plugins adapted it (GDumb swaps in its memory). */
  adaptedDataset: ClassificationDataset | undefined;
  /** The batches of the current experience; a plugin may replace it in `beforeTrainingExp` (replay). */
  dataloader: BatchSource | undefined;
  mbX: tf.Tensor2D | undefined;
  mbY: tf.Tensor1D | undefined;
  mbTaskId: tf.Tensor1D | undefined;
  mbYValues: Int32Array | undefined;
  mbTaskValues: Int32Array | undefined;
  mbOutput: tf.Tensor2D | undefined;
  loss: tf.Scalar | undefined;
  /** Gradients of the last backward pass, by variable name. */
  grads: tf.NamedTensorMap | undefined;
  private predictionsCache: Int32Array | undefined;
  private stopRequested = false;

  /** @throws UsageError `BAD_CONFIG` for a missing model or optimizer or a non-positive size. */
  constructor(options: SupervisedTemplateOptions) {
    if (!options?.model || typeof options.model.forward !== 'function') {
      throw new UsageError('BAD_CONFIG', 'a strategy needs a model (a CLModel such as SimpleMLP)', { path: '.model' });
    }
    if (typeof options.optimizer !== 'object' || options.optimizer === null || !(options.optimizer instanceof tf.Optimizer)) {
      throw new UsageError('BAD_CONFIG', 'a strategy needs a tfjs optimizer, e.g. tf.train.momentum(0.01, 0.9)', { path: '.optimizer' });
    }
    this.model = options.model;
    this.optimizer = options.optimizer;
    this.criterion = options.criterion ?? crossEntropy;
    this.trainMbSize = positiveInteger(options.trainMbSize ?? 1, '.trainMbSize');
    this.trainEpochs = positiveInteger(options.trainEpochs ?? 1, '.trainEpochs');
    this.evalMbSize = positiveInteger(options.evalMbSize ?? 1, '.evalMbSize');
    this.device = Device.parse(options.device ?? 'cpu');
    const evaluator = options.evaluator === undefined ? defaultEvaluator() : options.evaluator;
    this.evaluator = typeof evaluator === 'function' ? evaluator() : evaluator;
    this.clock = new Clock();
    // A checkpoint must capture the state after every other callback of the phase
    // (the evaluator's stream metrics, the clock), so checkpoint plugins run last.
    const plugins = options.plugins ?? [];
    const isCheckpoint = (p: StrategyPlugin) => p instanceof CheckpointPlugin;
    this.plugins = [...plugins.filter((p) => !isCheckpoint(p)), this.evaluator, this.clock, ...plugins.filter(isCheckpoint)];
  }

  /**
   * Trains on one experience or on several in turn.
   * @returns the metric values emitted during this call, by name (last value of each).
   */
  async train(experiences: Experience | readonly Experience[]): Promise<MetricResults> {
    useFastWasmMatMul();
    const list = Array.isArray(experiences) ? (experiences as readonly Experience[]) : [experiences as Experience];
    const resume = this.trainingPosition;
    if (resume !== undefined && list[0]?.currentExperience !== resume.experience) {
      throw new UsageError(
        'RESUME_MISMATCH',
        `this strategy was restored inside training experience ${resume.experience}, but train() was given experience ${list[0]?.currentExperience ?? 'none'}; pass experience ${resume.experience} first (the loop from the checkpoint's initialExp does)`,
        { path: '.trainingPosition.experience' },
      );
    }
    if (resume !== undefined) this.evaluator.resumePhase(resume.phaseValues);
    else this.evaluator.startPhase();
    this.isTraining = true;
    this.stopRequested = false;
    try {
      // A resumed call ran beforeTraining in the process that saved the checkpoint.
      if (resume === undefined) await this.callback('beforeTraining');
      for (const [i, experience] of list.entries()) {
        this.experience = experience;
        await this.trainExperience(experience, i === 0 ? resume : undefined);
      }
      await this.callback('afterTraining');
    } finally {
      this.isTraining = false;
      this.endPhase();
    }
    return this.evaluator.phaseResults();
  }

  /**
   * Evaluates on a stream (or one experience) without changing the model.
   * @returns the metric values emitted during this call, by name.
   */
  async eval(stream: Experience | readonly Experience[]): Promise<MetricResults> {
    useFastWasmMatMul();
    const list = Array.isArray(stream) ? (stream as readonly Experience[]) : [stream as Experience];
    const wasTraining = this.isTraining;
    this.evaluator.startPhase();
    this.isTraining = false;
    try {
      await this.callback('beforeEval');
      for (const experience of list) {
        this.experience = experience;
        this.adaptedDataset = experience.dataset;
        this.dataloader = new DataLoader(this.adaptedDataset, { batchSize: this.evalMbSize });
        this.model.adaptation(experience, false);
        await this.callback('beforeEvalExp');
        await this.evalEpoch();
        await this.callback('afterEvalExp');
      }
      await this.callback('afterEval');
    } finally {
      this.isTraining = wasTraining;
      this.endPhase();
    }
    return this.evaluator.phaseResults();
  }

  /** Asks training to stop after the current iteration (the original's `stop_training`). */
  stopTraining(): void {
    this.stopRequested = true;
  }

  /** Adds `term` to the loss; call it from `beforeBackward` (inside the gradient tape). */
  addLoss(term: tf.Scalar): void {
    if (!this.loss) throw new UsageError('NO_LOSS', 'addLoss is only valid in beforeBackward, after the criterion ran');
    this.loss = this.loss.add(term) as tf.Scalar;
  }

  /** The model's output for the current mini-batch. */
  forward(training = this.isTraining): tf.Tensor2D {
    return this.model.forward(this.mbX!, this.mbTaskValues!, training);
  }

  /** The arg-max class of each row of `mbOutput`, read once per iteration. */
  mbPredictions(): Int32Array {
    if (!this.predictionsCache) {
      const argMax = tf.tidy(() => this.mbOutput!.argMax(1));
      this.predictionsCache = argMax.dataSync() as Int32Array;
      argMax.dispose();
    }
    return this.predictionsCache;
  }

  /** The value of `loss` for the current mini-batch. */
  lossValue(): number {
    return this.loss!.dataSync()[0]!;
  }

  /**
   * Sets {@link adaptedDataset}, the data trained on for `experience`, between the
   * `beforeTrainDatasetAdaptation` and `afterTrainDatasetAdaptation` callbacks (the
   * original's `train_dataset_adaptation`). Default: the experience's dataset, as set
   * before the callbacks; strategies such as {@link Cumulative} override it.
   */
  protected trainDatasetAdaptation(_experience: Experience): void {}

  /**
   * Trains on one experience; with `resume` (a restored {@link TrainingPosition}),
   * continues it at the clock's epoch and the loader's next batch, skipping what the
   * saving process already did (dataset adaptation, model adaptation, optimizer reset,
   * `beforeTrainingExp`, and `beforeTrainingEpoch` of a started epoch).
   */
  private async trainExperience(experience: Experience, resume: TrainingPosition | undefined): Promise<void> {
    let firstEpoch = 0;
    let epochStarted = false;
    if (resume === undefined) {
      this.adaptedDataset = experience.dataset;
      await this.callback('beforeTrainDatasetAdaptation');
      this.trainDatasetAdaptation(experience);
      await this.callback('afterTrainDatasetAdaptation');
      this.dataloader = new DataLoader(this.adaptedDataset!, { batchSize: this.trainMbSize, shuffle: true });
      this.model.adaptation(experience, true);
      resetOptimizerState(this.optimizer);
      await this.callback('beforeTrainingExp');
      this.trainingPosition = { experience: experience.currentExperience, adaptedDataset: this.adaptedDataset!, dataloader: this.dataloader!, phaseValues: this.evaluator.phaseState(), inEpoch: false };
    } else {
      this.adaptedDataset = resume.adaptedDataset;
      this.dataloader = resume.dataloader;
      resume.phaseValues = this.evaluator.phaseState();
      firstEpoch = this.clock.trainExpEpochs;
      epochStarted = resume.inEpoch;
    }
    for (let epoch = firstEpoch; epoch < this.trainEpochs; epoch++) {
      if (!epochStarted) {
        await this.callback('beforeTrainingEpoch');
        if (this.stopRequested) {
          this.stopRequested = false;
          break;
        }
      }
      epochStarted = false;
      this.trainingPosition!.inEpoch = true;
      await this.trainingEpoch();
      this.trainingPosition!.inEpoch = false;
      await this.callback('afterTrainingEpoch');
    }
    this.trainingPosition = undefined;
    await this.callback('afterTrainingExp');
  }

  private async trainingEpoch(): Promise<void> {
    for (const batch of this.dataloader!) {
      if (this.stopRequested) {
        disposeMiniBatch(batch);
        break;
      }
      this.setMiniBatch(batch);
      try {
        await this.callback('beforeTrainingIteration');
        await this.trainStep();
        await this.callback('afterTrainingIteration');
      } finally {
        this.endIteration();
      }
      await yieldToEventLoop();
    }
  }

  private async trainStep(): Promise<void> {
    const variables = trainableVariables(this.model);
    if (variables.length === 0) {
      throw new UsageError('NOTHING_TO_TRAIN', 'every weight of the model is frozen; unfreeze a layer or skip training');
    }
    const { value, grads } = tf.variableGrads(() => {
      this.callbackInTape('beforeForward');
      this.mbOutput = tf.keep(this.forward(true));
      this.callbackInTape('afterForward');
      this.loss = this.criterion(this.mbOutput, this.mbY!);
      this.callbackInTape('beforeBackward');
      return this.loss;
    }, variables);
    this.loss = value;
    this.grads = grads;
    const loss = this.lossValue();
    if (!Number.isFinite(loss)) {
      throw new TrainingDivergedError({
        experience: this.experience?.currentExperience ?? -1,
        epoch: this.clock.trainExpEpochs,
        iteration: this.clock.trainEpochIterations,
        runIteration: this.clock.trainIterations,
        loss,
      });
    }
    await this.callback('afterBackward');
    await this.callback('beforeUpdate');
    this.optimizer.applyGradients(variables.map((v) => ({ name: v.name, tensor: grads[v.name]! })));
    await this.callback('afterUpdate');
  }

  private async evalEpoch(): Promise<void> {
    for (const batch of this.dataloader!) {
      this.setMiniBatch(batch);
      try {
        await this.callback('beforeEvalIteration');
        await this.callback('beforeEvalForward');
        this.mbOutput = this.forward(false);
        await this.callback('afterEvalForward');
        this.loss = tf.tidy(() => this.criterion(this.mbOutput!, this.mbY!));
        await this.callback('afterEvalIteration');
      } finally {
        this.endIteration();
      }
      await yieldToEventLoop();
    }
  }

  private setMiniBatch(batch: MiniBatch): void {
    this.mbX = batch.x;
    this.mbY = batch.y;
    this.mbTaskId = batch.t;
    this.mbYValues = batch.yValues;
    this.mbTaskValues = batch.tValues;
  }

  private endIteration(): void {
    tf.dispose([this.mbX, this.mbY, this.mbTaskId, this.mbOutput, this.loss].filter((t) => t !== undefined) as tf.Tensor[]);
    if (this.grads) tf.dispose(this.grads);
    this.mbX = this.mbY = this.mbTaskId = this.mbOutput = undefined;
    this.loss = undefined;
    this.grads = undefined;
    this.mbYValues = this.mbTaskValues = undefined;
    this.predictionsCache = undefined;
  }

  private endPhase(): void {
    this.endIteration();
    this.trainingPosition = undefined;
    this.dataloader = undefined;
    this.adaptedDataset = undefined;
  }

  private async callback(name: StrategyCallbackName): Promise<void> {
    for (const plugin of this.plugins) {
      const fn = plugin[name];
      if (fn === undefined) continue;
      const result = fn.call(plugin, this);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') await result;
    }
  }

  private callbackInTape(name: StrategyCallbackName): void {
    for (const plugin of this.plugins) {
      const fn = plugin[name];
      if (fn === undefined) continue;
      const result = fn.call(plugin, this);
      if (result !== undefined && typeof (result as Promise<void>).then === 'function') {
        throw new UsageError(
          'ASYNC_CALLBACK',
          `${plugin.constructor?.name ?? 'a plugin'}.${name} returned a promise; ${[...TAPE_CALLBACKS].join(', ')} run inside the gradient tape and must be synchronous`,
        );
      }
    }
  }
}

function positiveInteger(value: number, path: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new UsageError('BAD_CONFIG', `${path.slice(1)} must be a positive integer, got ${String(value)}`, { path });
  }
  return value;
}
