import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { DataLoader } from '../benchmarks/data-loader.js';
import { disposeMiniBatch } from '../benchmarks/mini-batch.js';
import { namedParameters, trainableVariables } from '../models/parameters.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';

export interface EWCPluginOptions {
  /** Weight of the penalty. */
  lambda: number;
  /**
   * `separate` (default): a penalty per past experience, each with its own importances;
   * `online`: one penalty whose importances decay by `decayFactor` (Schwarz et al.,
   * "Progress & Compress", 2018).
   */
  mode?: 'separate' | 'online';
  /** Required in `online` mode. */
  decayFactor?: number;
  /** Keep the parameters and importances of every experience, not only the last. Default false. */
  keepImportanceData?: boolean;
}

/** Parameters or importances by stable parameter name. */
export type ParameterTensors = Map<string, tf.Tensor>;

/**
 * Elastic Weight Consolidation (Kirkpatrick et al., "Overcoming catastrophic forgetting
 * in neural networks", PNAS 2017), as the original's `EWCPlugin`: after each training
 * experience it stores the parameters and their importances (the diagonal of the
 * empirical Fisher: squared gradients averaged over the experience's mini-batches,
 * model in inference mode), and adds `lambda · Σ importance · (θ − θ*)²` to the loss.
 *
 * As in the original, without `keepImportanceData` the parameters of older experiences
 * are dropped after each experience, so `separate` mode penalises against the last
 * one only; set `keepImportanceData` for the paper's sum over all past tasks. A
 * parameter created after an experience (a new head) or whose shape changed is not
 * penalised for that experience.
 */
@serializable({ name: 'reprise.cl.EWCPlugin' })
export class EWCPlugin implements StrategyPlugin {
  readonly lambda: number;
  readonly mode: 'separate' | 'online';
  readonly decayFactor: number | undefined;
  readonly keepImportanceData: boolean;
  /** Parameters after each training experience, by experience counter. */
  savedParams = new Map<number, ParameterTensors>();
  /** Importances after each training experience, by experience counter. */
  importances = new Map<number, ParameterTensors>();

  /** @throws UsageError `BAD_CONFIG` for a negative lambda, an unknown mode or online mode without `decayFactor`. */
  constructor(options: EWCPluginOptions) {
    if (!(typeof options?.lambda === 'number' && options.lambda >= 0)) {
      throw new UsageError('BAD_CONFIG', `lambda must be a non-negative number, got ${String(options?.lambda)}`, { path: '.lambda' });
    }
    this.lambda = options.lambda;
    this.mode = options.mode ?? 'separate';
    if (this.mode !== 'separate' && this.mode !== 'online') {
      throw new UsageError('BAD_CONFIG', `mode must be "separate" or "online", got ${String(options.mode)}`, { path: '.mode' });
    }
    if (this.mode === 'online' && typeof options.decayFactor !== 'number') {
      throw new UsageError('BAD_CONFIG', 'online EWC needs a decayFactor', { path: '.decayFactor' });
    }
    this.decayFactor = options.decayFactor;
    this.keepImportanceData = options.keepImportanceData ?? false;
  }

  beforeBackward(strategy: SupervisedTemplate): void {
    const expCounter = strategy.clock.trainExpCounter;
    if (expCounter === 0) return;
    const experiences = this.mode === 'separate' ? Array.from({ length: expCounter }, (_, i) => i) : [expCounter - 1];
    const params = namedParameters(strategy.model);
    const terms: tf.Tensor[] = [];
    for (const e of experiences) {
      const saved = this.savedParams.get(e);
      const importance = this.importances.get(e);
      if (!saved || !importance) continue;
      for (const { name, variable } of params) {
        const theta = saved.get(name);
        const imp = importance.get(name);
        if (!theta || !imp || !sameShape(theta.shape, variable.shape)) continue;
        terms.push(imp.mul(variable.sub(theta).square()).sum());
      }
    }
    if (terms.length > 0) strategy.addLoss(tf.addN(terms).mul(this.lambda) as tf.Scalar);
  }

  async afterTrainingExp(strategy: SupervisedTemplate): Promise<void> {
    const expCounter = strategy.clock.trainExpCounter;
    const importances = await computeImportances(strategy);
    this.updateImportances(importances, expCounter);
    this.savedParams.set(expCounter, new Map(namedParameters(strategy.model).map(({ name, variable }) => [name, variable.clone()])));
    if (expCounter > 0 && !this.keepImportanceData) disposeEntry(this.savedParams, expCounter - 1);
  }

  private updateImportances(importances: ParameterTensors, t: number): void {
    if (this.mode === 'separate' || t === 0) {
      disposeEntry(this.importances, t);
      this.importances.set(t, importances);
      return;
    }
    const previous = this.importances.get(t - 1) ?? new Map<string, tf.Tensor>();
    const merged: ParameterTensors = new Map();
    for (const [name, current] of importances) {
      const old = previous.get(name);
      if (old && sameShape(old.shape, current.shape)) {
        merged.set(name, tf.tidy(() => old.mul(this.decayFactor!).add(current)));
        current.dispose();
      } else {
        merged.set(name, current);
      }
    }
    disposeEntry(this.importances, t);
    this.importances.set(t, merged);
    if (!this.keepImportanceData) disposeEntry(this.importances, t - 1);
  }
}

/**
 * Squared gradients of the criterion, averaged over the mini-batches (size
 * `trainMbSize`, in order) of the experience's dataset, model in inference mode; zero
 * for frozen parameters. Yields to the event loop between batches.
 */
export async function computeImportances(strategy: SupervisedTemplate): Promise<ParameterTensors> {
  const model = strategy.model;
  const params = namedParameters(model);
  const sums = new Map<string, tf.Tensor>(params.map(({ name, variable }) => [name, tf.zerosLike(variable)]));
  const variables = trainableVariables(model);
  const nameOf = new Map(params.map(({ name, variable }) => [variable.name, name]));
  const loader = new DataLoader(strategy.experience!.dataset, { batchSize: strategy.trainMbSize });
  let batches = 0;
  for (const batch of loader) {
    try {
      const { value, grads } = tf.variableGrads(
        () => strategy.criterion(model.forward(batch.x, batch.tValues, false), batch.y),
        variables,
      );
      value.dispose();
      for (const [variableName, grad] of Object.entries(grads)) {
        const name = nameOf.get(variableName)!;
        const before = sums.get(name)!;
        sums.set(name, tf.tidy(() => before.add(grad.square())));
        before.dispose();
      }
      tf.dispose(grads);
    } finally {
      disposeMiniBatch(batch);
    }
    batches++;
    await new Promise((resolve) => setImmediate(resolve));
  }
  const out: ParameterTensors = new Map();
  for (const [name, sum] of sums) {
    out.set(name, tf.tidy(() => sum.div(Math.max(batches, 1))));
    sum.dispose();
  }
  return out;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function disposeEntry(map: Map<number, ParameterTensors>, key: number): void {
  const entry = map.get(key);
  if (!entry) return;
  for (const t of entry.values()) t.dispose();
  map.delete(key);
}
