import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { uniqueSorted } from '../benchmarks/dataset.js';
import { isMultiTaskModel, type CLModel } from '../models/cl-model.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';

export interface LwFPluginOptions {
  /** Weight of the distillation loss; a list gives one per experience (the last is reused). Default 1. */
  alpha?: number | number[];
  /** Softmax temperature of the distillation. Default 2. */
  temperature?: number;
}

/**
 * Learning without Forgetting (Li & Hoiem, "Learning without Forgetting", ECCV 2016 /
 * TPAMI 2017), as the original's `LwFPlugin`: after each training experience it keeps
 * a frozen copy of the model (config + weights, as a checkpoint stores models) and
 * the classes seen per task; while training it adds
 * `alpha · KL(softmax(old/T) ‖ softmax(new/T))` over the units of previously seen
 * classes (per head for multi-head models, all heads evaluated on the whole batch).
 *
 * The frozen copy runs in inference mode (no dropout), as the paper's recorded
 * responses; the original's copy keeps the train-mode flag of the model it copied.
 */
@serializable({ name: 'reprise.cl.LwFPlugin' })
export class LwFPlugin implements StrategyPlugin {
  readonly alpha: number | number[];
  readonly temperature: number;
  /** The model as it was after the last training experience. */
  prevModel: CLModel | undefined = undefined;
  /** Training experiences completed. */
  expCount = 0;
  /** Classes seen so far per task label, ascending. */
  prevClassesByTask = new Map<number, number[]>();

  /** @throws UsageError `BAD_CONFIG` for a negative alpha or a non-positive temperature. */
  constructor(options: LwFPluginOptions = {}) {
    this.alpha = options.alpha ?? 1;
    this.temperature = options.temperature ?? 2;
    const alphas = Array.isArray(this.alpha) ? this.alpha : [this.alpha];
    if (alphas.length === 0 || !alphas.every((a) => typeof a === 'number' && a >= 0)) {
      throw new UsageError('BAD_CONFIG', `alpha must be a non-negative number or a non-empty list of them, got ${JSON.stringify(options.alpha)}`, { path: '.alpha' });
    }
    if (!(this.temperature > 0)) {
      throw new UsageError('BAD_CONFIG', `temperature must be positive, got ${String(options.temperature)}`, { path: '.temperature' });
    }
  }

  beforeBackward(strategy: SupervisedTemplate): void {
    if (!this.prevModel) return;
    const alpha = Array.isArray(this.alpha) ? this.alpha[Math.min(this.expCount, this.alpha.length - 1)]! : this.alpha;
    const penalty = this.penalty(strategy);
    if (penalty) strategy.addLoss(penalty.mul(alpha) as tf.Scalar);
  }

  afterTrainingExp(strategy: SupervisedTemplate): void {
    this.expCount++;
    this.prevModel?.dispose();
    this.prevModel = strategy.model.clone();
    const { targets, taskLabels } = strategy.experience!.dataset;
    for (const task of uniqueSorted(taskLabels)) {
      const classes: number[] = [];
      for (let i = 0; i < targets.length; i++) if (taskLabels[i] === task) classes.push(targets[i]!);
      this.prevClassesByTask.set(task, uniqueSorted([...(this.prevClassesByTask.get(task) ?? []), ...classes]));
    }
  }

  private penalty(strategy: SupervisedTemplate): tf.Scalar | undefined {
    const prev = this.prevModel!;
    const x = strategy.mbX!;
    let previous: Map<number, tf.Tensor2D>;
    let current: Map<number, tf.Tensor2D>;
    if (isMultiTaskModel(prev) && isMultiTaskModel(strategy.model)) {
      previous = prev.forwardAllTasks(x, false);
      current = strategy.model.forwardAllTasks(x, true);
    } else {
      previous = new Map([[0, prev.forward(x, strategy.mbTaskValues!, false)]]);
      current = new Map([[0, strategy.mbOutput!]]);
    }
    const terms: tf.Scalar[] = [];
    for (const [task, prevOut] of previous) {
      const classes = this.prevClassesByTask.get(task);
      const currOut = current.get(task);
      if (classes && currOut) terms.push(this.distillation(currOut, prevOut, classes));
    }
    return terms.length > 0 ? (tf.addN(terms) as tf.Scalar) : undefined;
  }

  /** `KL(softmax(prev/T) ‖ softmax(out/T))` over the `classes` columns, averaged over the batch. */
  private distillation(out: tf.Tensor2D, prevOut: tf.Tensor2D, classes: number[]): tf.Scalar {
    // Column selection as a product with a 0/1 matrix: gather's gradient
    // (UnsortedSegmentSum) is missing on the wasm backend.
    const select = tf.oneHot(tf.tensor1d(classes, 'int32'), out.shape[1]).transpose().toFloat() as tf.Tensor2D;
    const logP = tf.logSoftmax(out.matMul(select).div(this.temperature));
    const logQ = tf.logSoftmax(prevOut.matMul(select).div(this.temperature));
    return tf.exp(logQ).mul(logQ.sub(logP)).sum().div(out.shape[0]) as tf.Scalar;
  }
}
