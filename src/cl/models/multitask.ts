import * as tf from '#tfjs-core';
import '../tensor-methods.js';
import * as tfl from '#tfjs-layers';
import { UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import type { Experience } from '../benchmarks/experience.js';
import { uniqueSorted } from '../benchmarks/dataset.js';
import type { CLModel, MultiTaskModel } from './cl-model.js';
import { cloneLayersModel } from './clone.js';

/** Config of a Dense layer without what differs between heads. */
export type HeadConfig = Record<string, unknown>;

/**
 * A shared trunk and one Dense head per task label, the original's `as_multitask` +
 * `MultiHeadClassifier`: the head of a task is created when the task is first trained
 * on, with `initialOutFeatures` units, and grows (keeping its weights) to
 * `max(units, max class + 1)` when an experience brings larger class labels. With
 * `masking` (default), the units of classes the task has not been trained on output
 * `maskValue` (−1000), as in the original.
 *
 * Rows of a mini-batch are routed to their task's head; a batch of one task gets that
 * head's width, a mixed batch the widest head's (narrower outputs padded with
 * `maskValue`, where the original pads with 0 — zeros could win the arg-max over masked
 * units). A task without a head (evaluated before it is trained on) outputs zeros.
 */
@serializable({ name: 'reprise.cl.MultiTaskModule' })
export class MultiTaskModule implements MultiTaskModel {
  /** Heads by task label, in creation order (the order of their weights for the optimizer). */
  heads = new Map<number, tfl.Sequential>();
  /** For each task, 1 for the units of classes trained on. */
  activeUnits = new Map<number, Uint8Array>();
  masking = true;
  maskValue = -1000;

  constructor(
    /** The shared feature extractor. */
    public trunk: tfl.LayersModel,
    /** Width of the trunk's output. */
    readonly inFeatures: number,
    /** Units of a new head. */
    readonly initialOutFeatures: number,
    /** Dense config every head is built from (activation, initializers, bias, …). */
    readonly headConfig: HeadConfig,
  ) {}

  forward(x: tf.Tensor2D, taskLabels: Int32Array, training: boolean): tf.Tensor2D {
    if (taskLabels.length !== x.shape[0]) {
      throw new UsageError('BAD_INPUT', `forward: ${x.shape[0]} rows but ${taskLabels.length} task labels`);
    }
    return tf.tidy(() => {
      const h = this.trunk.apply(x, { training }) as tf.Tensor2D;
      const tasks = uniqueSorted(taskLabels);
      if (tasks.length === 1) return this.headForward(h, tasks[0]!, training);
      // Every head runs on the whole batch and each row keeps its task's output: a
      // row mask instead of gather/scatter, whose gradient (UnsortedSegmentSum) the
      // wasm backend lacks. Exact: the other heads contribute 0·x = 0.
      const width = Math.max(...tasks.map((t) => this.headWidth(t)));
      let out: tf.Tensor2D | undefined;
      for (const task of tasks) {
        const rows = tf.tensor2d(Float32Array.from(taskLabels, (t) => (t === task ? 1 : 0)), [taskLabels.length, 1]);
        const part = this.pad(this.headForward(h, task, training), width).mul(rows) as tf.Tensor2D;
        out = out ? (out.add(part) as tf.Tensor2D) : part;
      }
      return out!;
    });
  }

  forwardAllTasks(x: tf.Tensor2D, training: boolean): Map<number, tf.Tensor2D> {
    const tasks = [...this.heads.keys()].sort((a, b) => a - b);
    const outputs = tf.tidy(() => {
      const h = this.trunk.apply(x, { training }) as tf.Tensor2D;
      return tasks.map((task) => this.headForward(h, task, training));
    });
    return new Map(tasks.map((task, i) => [task, outputs[i]!]));
  }

  parts(): Array<[string, tfl.LayersModel]> {
    return [['trunk', this.trunk], ...[...this.heads].map(([task, head]): [string, tfl.LayersModel] => [`heads.${task}`, head])];
  }

  /**
   * When training: creates the heads of new task labels, grows heads to the largest
   * class + 1, and marks the experience's classes active. When evaluating: nothing.
   */
  adaptation(experience: Experience, training: boolean): void {
    if (!training) return;
    for (const task of experience.taskLabels) {
      const classes =
        experience.taskLabels.length === 1 ? experience.classesInThisExperience : this.classesOfTask(experience, task);
      if (!this.heads.has(task)) {
        this.heads.set(task, this.buildHead(this.initialOutFeatures));
        this.activeUnits.set(task, new Uint8Array(this.initialOutFeatures));
      }
      const wanted = Math.max(this.headWidth(task), Math.max(...classes) + 1);
      if (wanted > this.headWidth(task)) this.growHead(task, wanted);
      const old = this.activeUnits.get(task)!;
      const mask = new Uint8Array(wanted);
      mask.set(old);
      for (const c of classes) mask[c] = 1;
      this.activeUnits.set(task, mask);
    }
  }

  clone(): MultiTaskModule {
    const copy = Object.create(MultiTaskModule.prototype) as MultiTaskModule;
    Object.assign(copy, this, {
      trunk: cloneLayersModel(this.trunk),
      heads: new Map([...this.heads].map(([t, h]) => [t, cloneLayersModel(h)])),
      activeUnits: new Map([...this.activeUnits].map(([t, m]) => [t, m.slice()])),
      headConfig: structuredClone(this.headConfig),
    });
    return copy;
  }

  dispose(): void {
    this.trunk.dispose();
    for (const head of this.heads.values()) head.dispose();
  }

  private headWidth(task: number): number {
    const head = this.heads.get(task);
    return head ? (head.outputs[0]!.shape[1] as number) : this.initialOutFeatures;
  }

  private headForward(h: tf.Tensor2D, task: number, training: boolean): tf.Tensor2D {
    return tf.tidy(() => {
      const head = this.heads.get(task);
      if (!head) return tf.zeros([h.shape[0], this.initialOutFeatures]) as tf.Tensor2D;
      const out = head.apply(h, { training }) as tf.Tensor2D;
      const active = this.activeUnits.get(task);
      if (!this.masking || !active || active.every((a) => a === 1)) return out;
      const keep = tf.tensor2d(Float32Array.from(active), [1, active.length]);
      const fill = tf.tensor2d(Float32Array.from(active, (a) => (a ? 0 : this.maskValue)), [1, active.length]);
      return out.mul(keep).add(fill);
    });
  }

  private pad(out: tf.Tensor2D, width: number): tf.Tensor2D {
    const missing = width - out.shape[1];
    if (missing === 0) return out;
    return tf.concat([out, tf.fill([out.shape[0], missing], this.masking ? this.maskValue : 0) as tf.Tensor2D], 1);
  }

  private buildHead(units: number): tfl.Sequential {
    return buildDenseHead(this.headConfig, this.inFeatures, units);
  }

  /** Replaces the head of `task` by a wider one whose first units keep the old weights (the original's IncrementalClassifier). */
  private growHead(task: number, units: number): void {
    this.heads.set(task, growDenseHead(this.heads.get(task)!, this.headConfig, this.inFeatures, units));
  }

  private classesOfTask(experience: Experience, task: number): number[] {
    const { targets, taskLabels } = experience.dataset;
    const classes: number[] = [];
    for (let i = 0; i < targets.length; i++) if (taskLabels[i] === task) classes.push(targets[i]!);
    return uniqueSorted(classes);
  }
}

/** A head: a Sequential of one Dense layer of `units` built from `config`. */
export function buildDenseHead(config: HeadConfig, inFeatures: number, units: number): tfl.Sequential {
  return tfl.sequential({
    layers: [tfl.layers.dense({ ...(config as object), units, inputShape: [inFeatures] } as Parameters<typeof tfl.layers.dense>[0])],
  });
}

/**
 * A head of `units` whose first units keep the weights of `old` (the others freshly
 * initialised); `old` is disposed. The original's `IncrementalClassifier.adaptation`.
 */
export function growDenseHead(old: tfl.Sequential, config: HeadConfig, inFeatures: number, units: number): tfl.Sequential {
  const grown = buildDenseHead(config, inFeatures, units);
  const [oldKernel, oldBias] = old.getWeights();
  const [newKernel, newBias] = grown.getWeights();
  const oldUnits = oldKernel!.shape[1]!;
  const weights = tf.tidy(() => {
    const kernel = tf.concat([oldKernel!, tf.slice(newKernel!, [0, oldUnits], [-1, units - oldUnits])], 1);
    return oldBias && newBias ? [kernel, tf.concat([oldBias, tf.slice(newBias, [oldUnits], [units - oldUnits])])] : [kernel];
  });
  grown.setWeights(weights);
  tf.dispose(weights);
  old.dispose();
  return grown;
}

/** A single-head model cut at its classifier: the trunk, and what a head needs to be rebuilt. */
export interface SplitClassifier {
  trunk: tfl.LayersModel;
  inFeatures: number;
  units: number;
  config: HeadConfig;
}

/**
 * Cuts `model` at the part named `classifierName` (a Sequential of one Dense layer).
 * @throws UsageError `BAD_CONFIG` when the model has no such Dense part or more than one other part.
 */
export function splitClassifier(model: CLModel, classifierName: string, caller: string): SplitClassifier {
  const parts = model.parts();
  const classifier = parts.find(([name]) => name === classifierName)?.[1];
  const others = parts.filter(([name]) => name !== classifierName);
  const dense = classifier?.layers.length === 1 ? classifier.layers[0] : undefined;
  if (!classifier || !dense || dense.getClassName() !== 'Dense') {
    throw new UsageError(
      'BAD_CONFIG',
      `${caller}: the model has no part "${classifierName}" made of one Dense layer (parts: ${parts.map(([n]) => n).join(', ')})`,
    );
  }
  if (others.length !== 1) {
    throw new UsageError('BAD_CONFIG', `${caller}: expected one trunk part besides "${classifierName}", found ${others.length}`);
  }
  const config = { ...(dense.getConfig() as HeadConfig) };
  const units = config.units as number;
  for (const key of ['name', 'units', 'batchInputShape', 'inputShape', 'trainable', 'batchSize', 'dtype']) delete config[key];
  const inFeatures = (classifier.inputs[0]!.shape[1] as number) ?? 0;
  return { trunk: others[0]![1], inFeatures, units, config };
}

/**
 * Turns a single-head model into a {@link MultiTaskModule} whose heads replace the
 * part named `classifierName` (a Sequential of one Dense layer), as the original's
 * `as_multitask(model, 'classifier')`. The trunk is shared with `model`, not copied;
 * the old classifier is left to `model`.
 * @throws UsageError `BAD_CONFIG` when the model has no such Dense part or more than one other part.
 */
export function asMultitask(model: CLModel, classifierName: string): MultiTaskModule {
  const { trunk, inFeatures, units, config } = splitClassifier(model, classifierName, 'asMultitask');
  return new MultiTaskModule(trunk, inFeatures, units, config);
}
