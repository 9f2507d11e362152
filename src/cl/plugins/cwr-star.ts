import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import * as tfl from '#tfjs-layers';
import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { countByLabel } from '../benchmarks/dataset.js';
import type { CLModel } from '../models/cl-model.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';

export interface CWRStarOptions {
  /** The model part (see `parts()`) whose last Dense layer is consolidated. Default: the last part. */
  cwrLayerName?: string;
  /** Freeze every other layer from the second experience on. Default true. */
  freezeRemainingModel?: boolean;
}

/**
 * CWR* (Lomonaco, Maltoni & Pellegrini, "Rehearsal-Free Continual Learning over Small
 * Non-I.I.D. Batches", CVPR-W 2020; after CWR, Lomonaco & Maltoni 2017), as the
 * original's `CWRStarPlugin`: before each experience the output layer's weights are
 * zeroed except the consolidated weights of the experience's classes; after it, each
 * trained class's weights, shifted by their mean, are merged into its consolidated
 * weights with the weight `√(past/current)` (samples seen before vs now) and copied
 * back. From the second experience on, all other layers are frozen. Like the original,
 * only the kernel is consolidated, not the bias.
 *
 * The sample counts `pastJ` grow after each consolidation as in the paper's code; the
 * original plugin never updates them (so it always keeps the newest weights).
 */
@serializable({ name: 'reprise.cl.CWRStarPlugin' })
export class CWRStarPlugin implements StrategyPlugin {
  readonly cwrLayerName: string | undefined;
  readonly freezeRemainingModel: boolean;
  /** Consolidated kernel column of each class. */
  savedWeights = new Map<number, Float32Array>();
  /** Samples of each class seen in past experiences. */
  pastJ = new Map<number, number>();
  /** Samples of each class in the current experience. */
  curJ = new Map<number, number>();
  /** Classes of the current experience, ascending. */
  curClasses: number[] = [];

  /** @throws UsageError `BAD_CONFIG` when the model has no such Dense layer. */
  constructor(readonly model: CLModel, options: CWRStarOptions = {}) {
    this.cwrLayerName = options.cwrLayerName;
    this.freezeRemainingModel = options.freezeRemainingModel ?? true;
    this.cwrLayer();
  }

  beforeTrainingExp(strategy: SupervisedTemplate): void {
    if (this.freezeRemainingModel && strategy.clock.trainExpCounter > 0) this.freezeOtherLayers();
    this.curJ = countByLabel(strategy.experience!.dataset.targets);
    this.curClasses = [...this.curJ].filter(([, n]) => n > 0).map(([c]) => c);
    this.resetWeights();
  }

  afterTrainingExp(): void {
    this.consolidateWeights();
    this.setConsolidatedWeights();
  }

  /** The Dense layer whose kernel is consolidated. */
  cwrLayer(): tfl.layers.Layer {
    const parts = this.model.parts();
    const part = this.cwrLayerName === undefined ? parts[parts.length - 1] : parts.find(([n]) => n === this.cwrLayerName);
    const dense = part ? [...part[1].layers].reverse().find((l) => l.getClassName() === 'Dense') : undefined;
    if (!dense) {
      throw new UsageError(
        'BAD_CONFIG',
        `CWRStarPlugin: no Dense layer in the model part ${JSON.stringify(this.cwrLayerName ?? 'last')} (parts: ${parts.map(([n]) => n).join(', ')})`,
        { path: '.cwrLayerName' },
      );
    }
    return dense;
  }

  private kernel(): { variable: tf.Variable; values: Float32Array; rows: number; cols: number } {
    const variable = (this.cwrLayer().weights[0] as unknown as { read(): tf.Variable }).read();
    const [rows, cols] = variable.shape as [number, number];
    return { variable, values: variable.dataSync() as Float32Array, rows, cols };
  }

  private consolidateWeights(): void {
    const { values, rows, cols } = this.kernel();
    let sum = 0;
    for (const c of this.curClasses) for (let r = 0; r < rows; r++) sum += values[r * cols + c]!;
    const globalAverage = sum / (rows * this.curClasses.length);
    for (const c of this.curClasses) {
      const shifted = new Float32Array(rows);
      for (let r = 0; r < rows; r++) shifted[r] = values[r * cols + c]! - globalAverage;
      const saved = this.savedWeights.get(c);
      if (saved) {
        const wPast = Math.sqrt((this.pastJ.get(c) ?? 0) / this.curJ.get(c)!);
        for (let r = 0; r < rows; r++) saved[r] = (saved[r]! * wPast + shifted[r]!) / (wPast + 1);
      } else {
        this.savedWeights.set(c, shifted);
      }
      this.pastJ.set(c, (this.pastJ.get(c) ?? 0) + this.curJ.get(c)!);
    }
  }

  private setConsolidatedWeights(): void {
    const { variable, values, rows, cols } = this.kernel();
    const next = Float32Array.from(values);
    for (const [c, w] of this.savedWeights) for (let r = 0; r < rows; r++) next[r * cols + c] = w[r]!;
    assignValues(variable, next);
  }

  private resetWeights(): void {
    const { variable, rows, cols } = this.kernel();
    const next = new Float32Array(rows * cols);
    for (const c of this.curClasses) {
      const w = this.savedWeights.get(c);
      if (w) for (let r = 0; r < rows; r++) next[r * cols + c] = w[r]!;
    }
    assignValues(variable, next);
  }

  private freezeOtherLayers(): void {
    const target = this.cwrLayer();
    for (const [, part] of this.model.parts()) for (const layer of part.layers) layer.trainable = layer === target;
  }
}

function assignValues(variable: tf.Variable, values: Float32Array): void {
  const t = tf.tensor(values, variable.shape);
  variable.assign(t);
  t.dispose();
}
