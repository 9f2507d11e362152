import seedrandom from 'seedrandom';
import { CheckpointError, UsageError } from '../../errors.js';
import { RNGManager } from '../rng/rng-manager.js';
import { permutation } from '../rng/sampling.js';
import { ClassSubsetDataset } from './class-subset.js';
import { requireInteger, uniqueSorted, type ClassificationDataset } from './dataset.js';
import { Experience } from './experience.js';

/** Options every class-incremental split benchmark takes (the original's `nc_benchmark`). */
export interface SplitOptions {
  /** Number of experiences; must divide the number of classes. */
  nExperiences: number;
  /** Give experience `i` task label `i` (task-incremental). Default false: every task label is 0. */
  returnTaskId?: boolean;
  /** Seeds the class order when `fixedClassOrder` is not given. Default: a seed drawn from `RNGManager`. */
  seed?: number;
  /** The order in which classes are split into experiences. Default: a permutation drawn from `seed`. */
  fixedClassOrder?: number[];
}

/**
 * The class order of a split: `fixedClassOrder` when given (validated), else a
 * permutation of `classes` seeded by `seed`, else one seeded from the library
 * generator (so that it follows `RNGManager.setRandomSeeds`).
 * @throws UsageError `BAD_CONFIG` when `fixedClassOrder` is not a permutation of `classes`.
 */
export function resolveClassOrder(classes: readonly number[], options: SplitOptions): number[] {
  if (options.fixedClassOrder !== undefined) {
    const order = options.fixedClassOrder;
    const sorted = [...order].sort((a, b) => a - b);
    if (!Array.isArray(order) || sorted.length !== classes.length || sorted.some((c, i) => c !== classes[i])) {
      throw new UsageError(
        'BAD_CONFIG',
        `fixedClassOrder must be a permutation of the classes [${classes.join(', ')}], got ${JSON.stringify(order)}`,
        { path: '.fixedClassOrder' },
      );
    }
    return [...order];
  }
  const seed = options.seed ?? Math.floor(RNGManager.random() * 2 ** 32);
  const perm = permutation(seedrandom(`classOrder:${seed}`), classes.length);
  return Array.from(perm, (i) => classes[i]!);
}

/** The streams of a split benchmark. */
export interface SplitStreams {
  trainStream: Experience[];
  testStream: Experience[];
  /** For each experience, its classes ascending. */
  classesInExperience: number[][];
}

/**
 * Splits `train` and `test` into `nExperiences` experiences of consecutive classes of
 * `classOrder`, each a {@link ClassSubsetDataset} (so stored as arguments).
 * @throws UsageError `BAD_CONFIG` when the number of classes is not a multiple of `nExperiences`.
 */
export function splitByClass(
  train: ClassificationDataset,
  test: ClassificationDataset,
  classOrder: readonly number[],
  nExperiences: number,
  returnTaskId: boolean,
): SplitStreams {
  requireInteger(nExperiences, 1, '.nExperiences');
  if (classOrder.length % nExperiences !== 0) {
    throw new UsageError(
      'BAD_CONFIG',
      `${classOrder.length} classes cannot be split evenly into ${nExperiences} experiences; choose a divisor of ${classOrder.length}`,
      { path: '.nExperiences' },
    );
  }
  const perExp = classOrder.length / nExperiences;
  const trainStream: Experience[] = [];
  const testStream: Experience[] = [];
  const classesInExperience: number[][] = [];
  for (let e = 0; e < nExperiences; e++) {
    const classes = [...classOrder.slice(e * perExp, (e + 1) * perExp)].sort((a, b) => a - b);
    const task = returnTaskId ? e : 0;
    classesInExperience.push(classes);
    trainStream.push(new Experience('train', e, new ClassSubsetDataset(train, classes, task), classes, [task]));
    testStream.push(new Experience('test', e, new ClassSubsetDataset(test, classes, task), classes, [task]));
  }
  return { trainStream, testStream, classesInExperience };
}

/** The classes present in a dataset, ascending. */
export function classesOf(dataset: ClassificationDataset): number[] {
  return uniqueSorted(dataset.targets);
}
