import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { namedParameters, type NamedParameter } from '../models/parameters.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';

export interface SynapticIntelligenceOptions {
  /** Weight of the penalty; a list gives one per experience (the last is reused). */
  lambda: number | number[];
  /** Damping ξ of the importance. Default 1e-7. */
  eps?: number;
  /** Parameters (stable names, see `namedParameters`) left out. Default none. */
  excludedParameters?: string[];
}

/** Importance clip of the original (`clip_to`). */
const CLIP_TO = 0.001;
/** Scale of the path integral in the original (`c`). */
const C = 1;

/**
 * Synaptic Intelligence (Zenke, Poole & Ganguli, "Continual Learning Through Synaptic
 * Intelligence", ICML 2017), as the original's `SynapticIntelligencePlugin`: during
 * training it accumulates each parameter's path integral `Σ g · Δθ` over the updates
 * (`trajectory`); after each experience the importance is
 * `min(−Σ_exp trajectory / ((θ − θ_start)² + ξ), 0.001)` (accumulated over
 * experiences in `cumTrajectory`) and the anchor becomes the current θ; the loss gains
 * `λ/2 · Σ importance · (θ − anchor)²`. Parameters that grow (a wider head) keep their
 * state, zero-padded.
 */
@serializable({ name: 'reprise.cl.SynapticIntelligencePlugin' })
export class SynapticIntelligencePlugin implements StrategyPlugin {
  readonly lambda: number | number[];
  readonly eps: number;
  readonly excludedParameters: string[];
  /** θ at the start of the current experience (the penalty's anchor), by parameter name. */
  anchors = new Map<string, tf.Tensor>();
  /** Importance of each parameter. */
  importances = new Map<string, tf.Tensor>();
  /** θ before the current update. */
  oldTheta = new Map<string, tf.Tensor>();
  /** Path integral `Σ g · Δθ` of the current experience. */
  trajectory = new Map<string, tf.Tensor>();
  /** `Σ_experiences trajectory / ((Δθ)² + ξ)`. */
  cumTrajectory = new Map<string, tf.Tensor>();

  /** @throws UsageError `BAD_CONFIG` for a negative or missing lambda. */
  constructor(options: SynapticIntelligenceOptions) {
    const lambdas = Array.isArray(options?.lambda) ? options.lambda : [options?.lambda];
    if (lambdas.length === 0 || !lambdas.every((l) => typeof l === 'number' && l >= 0)) {
      throw new UsageError('BAD_CONFIG', `lambda must be a non-negative number or a non-empty list of them, got ${JSON.stringify(options?.lambda)}`, { path: '.lambda' });
    }
    this.lambda = options.lambda;
    this.eps = options.eps ?? 1e-7;
    this.excludedParameters = [...(options.excludedParameters ?? [])];
  }

  beforeTrainingExp(strategy: SupervisedTemplate): void {
    const params = this.parameters(strategy);
    for (const { name, variable } of params) {
      for (const map of [this.anchors, this.importances, this.oldTheta, this.trajectory, this.cumTrajectory]) {
        const current = map.get(name);
        if (!current) map.set(name, tf.zerosLike(variable));
        else if (!sameShape(current.shape, variable.shape)) {
          map.set(name, tf.pad(current, variable.shape.map((d, i) => [0, d - current.shape[i]!] as [number, number])));
          current.dispose();
        }
      }
    }
    for (const { name, variable } of params) {
      replace(this.anchors, name, variable.clone());
      replace(this.trajectory, name, tf.zerosLike(variable));
    }
  }

  beforeBackward(strategy: SupervisedTemplate): void {
    const exp = strategy.clock.trainExpCounter;
    if (exp === 0) return; // importances are all zero before the first experience ends
    const lambda = Array.isArray(this.lambda) ? this.lambda[Math.min(exp, this.lambda.length - 1)]! : this.lambda;
    const terms: tf.Tensor[] = [];
    for (const { name, variable } of this.parameters(strategy)) {
      const anchor = this.anchors.get(name);
      const importance = this.importances.get(name);
      if (!anchor || !importance) continue;
      terms.push(importance.mul(variable.sub(anchor).square()).sum());
    }
    if (terms.length > 0) strategy.addLoss(tf.addN(terms).mul(lambda / 2) as tf.Scalar);
  }

  beforeTrainingIteration(strategy: SupervisedTemplate): void {
    for (const { name, variable } of this.parameters(strategy)) replace(this.oldTheta, name, variable.clone());
  }

  afterTrainingIteration(strategy: SupervisedTemplate): void {
    const grads = strategy.grads ?? {};
    for (const { name, variable } of this.parameters(strategy)) {
      const grad = grads[variable.name];
      const old = this.oldTheta.get(name);
      const trajectory = this.trajectory.get(name);
      if (!grad || !old || !trajectory) continue;
      replace(this.trajectory, name, tf.tidy(() => trajectory.add(grad.mul(variable.sub(old)))));
    }
  }

  afterTrainingExp(strategy: SupervisedTemplate): void {
    for (const { name, variable } of this.parameters(strategy)) {
      const anchor = this.anchors.get(name)!;
      const trajectory = this.trajectory.get(name)!;
      const cum = this.cumTrajectory.get(name)!;
      const newCum = tf.tidy(() => cum.add(trajectory.mul(C).div(variable.sub(anchor).square().add(this.eps))));
      replace(this.cumTrajectory, name, newCum);
      replace(this.importances, name, tf.tidy(() => tf.minimum(newCum.neg(), CLIP_TO)));
      replace(this.anchors, name, variable.clone());
    }
  }

  private parameters(strategy: SupervisedTemplate): NamedParameter[] {
    const excluded = new Set(this.excludedParameters);
    return namedParameters(strategy.model).filter((p) => !excluded.has(p.name));
  }
}

function replace(map: Map<string, tf.Tensor>, name: string, value: tf.Tensor): void {
  const old = map.get(name);
  map.set(name, value);
  if (old && old !== value) old.dispose();
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
