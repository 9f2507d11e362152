import type { ClassificationDataset } from './dataset.js';
import type { Experience } from './experience.js';
import { classesOf, resolveClassOrder, splitByClass, type SplitOptions } from './nc-benchmark.js';

/**
 * What split benchmarks share: a train and a test stream that split the classes of
 * two datasets into experiences. Subclasses are registered with
 * `@constructorSerialized({ deduplicate: true })` and store their {@link options}
 * with the class order resolved, so a rebuilt benchmark is the same benchmark.
 */
export abstract class SplitBenchmark<O extends SplitOptions = SplitOptions> {
  readonly trainStream: Experience[];
  readonly testStream: Experience[];
  /** Number of classes of the whole benchmark. */
  readonly nClasses: number;
  readonly nExperiences: number;
  /** Classes in the order they are split into experiences. */
  readonly classOrder: number[];
  /** For each experience, its classes ascending. */
  readonly classesInExperience: number[][];
  /** The options with `fixedClassOrder` resolved: what a checkpoint stores. */
  readonly options: O;

  protected constructor(train: ClassificationDataset, test: ClassificationDataset, options: O) {
    const classes = classesOf(train);
    this.classOrder = resolveClassOrder(classes, options);
    this.options = { ...options, fixedClassOrder: [...this.classOrder] };
    const streams = splitByClass(train, test, this.classOrder, options.nExperiences, options.returnTaskId ?? false);
    this.trainStream = streams.trainStream;
    this.testStream = streams.testStream;
    this.classesInExperience = streams.classesInExperience;
    this.nClasses = classes.length;
    this.nExperiences = options.nExperiences;
  }
}
