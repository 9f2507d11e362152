import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import type { ClassificationDataset } from '../benchmarks/dataset.js';
import { SampleSet } from '../benchmarks/sample-set.js';
import { RNGManager } from '../rng/rng-manager.js';
import type { SupervisedTemplate } from '../training/template.js';

/**
 * A fixed-size random sample of everything it was shown (the original's
 * `ReservoirSamplingBuffer`): every sample gets a random weight from `RNGManager`'s
 * library generator; the buffer keeps the `maxSize` heaviest, so each update is a
 * uniform reservoir sample. Holds references to samples, never copies.
 */
@serializable({ name: 'reprise.cl.ReservoirSamplingBuffer' })
export class ReservoirSamplingBuffer {
  buffer = new SampleSet();
  /** Weight of each buffered sample, descending. */
  weights = new Float64Array(0);

  constructor(public maxSize: number) {}

  updateFromDataset(data: ClassificationDataset): void {
    const fresh = SampleSet.of(data);
    const n = fresh.length;
    const all = new Float64Array(n + this.weights.length);
    for (let i = 0; i < n; i++) all[i] = RNGManager.random();
    all.set(this.weights, n);
    const order = Array.from({ length: all.length }, (_, i) => i).sort((a, b) => all[b]! - all[a]! || a - b);
    const keep = order.slice(0, this.maxSize);
    this.buffer = fresh.concat(this.buffer).subset(keep);
    this.weights = Float64Array.from(keep, (i) => all[i]!);
  }

  /** Shrinks to the `newSize` heaviest samples (the first ones). */
  resize(newSize: number): void {
    this.maxSize = newSize;
    if (this.buffer.length <= newSize) return;
    this.buffer = this.buffer.subset(Array.from({ length: newSize }, (_, i) => i));
    this.weights = this.weights.slice(0, newSize);
  }
}

/** Splits `maxSize` over `groups` groups: evenly (the first groups get the remainder) or `maxSize / total` each. */
function groupLengths(maxSize: number, groups: number, adaptive: boolean, total: number | undefined): number[] {
  if (adaptive) {
    const lengths = new Array<number>(groups).fill(Math.floor(maxSize / groups));
    const remainder = maxSize - lengths.reduce((a, b) => a + b, 0);
    for (let i = 0; i < remainder; i++) lengths[i]!++;
    return lengths;
  }
  return new Array<number>(groups).fill(Math.floor(maxSize / total!));
}

/** The samples of all groups, group after group. */
function concatGroups(groups: Map<number, ReservoirSamplingBuffer>): SampleSet {
  let out = new SampleSet();
  for (const g of groups.values()) out = out.concat(g.buffer);
  return out;
}

/** What a replay plugin needs from its memory. */
export interface StoragePolicy {
  maxSize: number;
  /** The samples held now. */
  readonly buffer: SampleSet;
  /** Adds the current experience's data (`strategy.experience`). */
  update(strategy: SupervisedTemplate): void;
}

/**
 * One reservoir per training experience, sharing `maxSize` (the original's
 * `ExperienceBalancedBuffer`). With `adaptiveSize` (default) the memory is split evenly
 * among the experiences seen; otherwise each gets `maxSize / numExperiences`.
 */
@serializable({ name: 'reprise.cl.ExperienceBalancedBuffer' })
export class ExperienceBalancedBuffer implements StoragePolicy {
  /** Reservoirs by training-experience counter, in order. */
  groups = new Map<number, ReservoirSamplingBuffer>();

  /** @throws UsageError `BAD_CONFIG` when `adaptiveSize` is false without `numExperiences`. */
  constructor(public maxSize: number, readonly adaptiveSize = true, readonly numExperiences?: number) {
    if (!adaptiveSize && !(Number.isInteger(numExperiences) && numExperiences! > 0)) {
      throw new UsageError('BAD_CONFIG', 'a fixed-size ExperienceBalancedBuffer needs numExperiences > 0', { path: '.numExperiences' });
    }
  }

  get buffer(): SampleSet {
    return concatGroups(this.groups);
  }

  update(strategy: SupervisedTemplate): void {
    const numExps = strategy.clock.trainExpCounter + 1;
    const lengths = groupLengths(this.maxSize, numExps, this.adaptiveSize, this.numExperiences);
    const fresh = new ReservoirSamplingBuffer(lengths[lengths.length - 1]!);
    fresh.updateFromDataset(strategy.experience!.dataset);
    this.groups.set(numExps - 1, fresh);
    let i = 0;
    for (const group of this.groups.values()) group.resize(lengths[i++] ?? 0);
  }
}

/**
 * One reservoir per class, sharing `maxSize` (the original's `ClassBalancedBuffer`).
 * With `adaptiveSize` (default) the memory is split evenly among the classes seen;
 * otherwise each class gets `maxSize / totalNumClasses`.
 */
@serializable({ name: 'reprise.cl.ClassBalancedBuffer' })
export class ClassBalancedBuffer implements StoragePolicy {
  /** Reservoirs by class, in the order classes were first seen. */
  groups = new Map<number, ReservoirSamplingBuffer>();
  /** Classes seen so far, ascending. */
  seenClasses: number[] = [];

  /** @throws UsageError `BAD_CONFIG` when `adaptiveSize` is false without `totalNumClasses`. */
  constructor(public maxSize: number, readonly adaptiveSize = true, readonly totalNumClasses?: number) {
    if (!adaptiveSize && !(Number.isInteger(totalNumClasses) && totalNumClasses! > 0)) {
      throw new UsageError('BAD_CONFIG', 'a fixed-size ClassBalancedBuffer needs totalNumClasses > 0', { path: '.totalNumClasses' });
    }
  }

  get buffer(): SampleSet {
    return concatGroups(this.groups);
  }

  update(strategy: SupervisedTemplate): void {
    this.updateFromDataset(strategy.experience!.dataset);
  }

  updateFromDataset(data: ClassificationDataset): void {
    const byClass = new Map<number, number[]>();
    const targets = data.targets;
    for (let i = 0; i < targets.length; i++) {
      let list = byClass.get(targets[i]!);
      if (!list) byClass.set(targets[i]!, (list = []));
      list.push(i);
    }
    const newClasses = [...byClass.keys()].sort((a, b) => a - b);
    this.seenClasses = [...new Set([...this.seenClasses, ...newClasses])].sort((a, b) => a - b);
    const lengths = groupLengths(this.maxSize, this.seenClasses.length, this.adaptiveSize, this.totalNumClasses);
    const lengthOf = new Map(this.seenClasses.map((c, i) => [c, lengths[i]!]));
    const samples = SampleSet.of(data);
    for (const c of newClasses) {
      const subset = samples.subset(byClass.get(c)!);
      const existing = this.groups.get(c);
      if (existing) {
        existing.updateFromDataset(subset);
        existing.resize(lengthOf.get(c)!);
      } else {
        const fresh = new ReservoirSamplingBuffer(lengthOf.get(c)!);
        fresh.updateFromDataset(subset);
        this.groups.set(c, fresh);
      }
    }
    for (const [c, group] of this.groups) group.resize(lengthOf.get(c)!);
  }
}
