/** The built-in optimizers under test, with the fields (per tfjs 4.22 sources) that hold their state. */
import * as tf from '@tensorflow/tfjs';

export interface OptimizerCase {
  name: string;
  make: () => tf.Optimizer;
  slotLists: string[];
  state: string[];
}

export const OPTIMIZER_CASES: readonly OptimizerCase[] = [
  { name: 'sgd', make: () => tf.train.sgd(0.1), slotLists: [], state: ['c'] },
  { name: 'momentum', make: () => tf.train.momentum(0.05, 0.9), slotLists: ['accumulations'], state: ['c', 'm'] },
  { name: 'momentum (nesterov)', make: () => tf.train.momentum(0.05, 0.8, true), slotLists: ['accumulations'], state: ['c', 'm'] },
  { name: 'adam', make: () => tf.train.adam(0.01), slotLists: ['accumulatedFirstMoment', 'accumulatedSecondMoment'], state: ['accBeta1', 'accBeta2'] },
  { name: 'adamax', make: () => tf.train.adamax(0.01, 0.9, 0.999, undefined, 0.01), slotLists: ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'], state: ['iteration', 'accBeta1'] },
  { name: 'adagrad', make: () => tf.train.adagrad(0.1), slotLists: ['accumulatedGrads'], state: [] },
  { name: 'adadelta', make: () => tf.train.adadelta(1.0), slotLists: ['accumulatedGrads', 'accumulatedUpdates'], state: [] },
  { name: 'rmsprop', make: () => tf.train.rmsprop(0.01), slotLists: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'], state: [] },
  {
    name: 'rmsprop (centered, momentum)',
    make: () => tf.train.rmsprop(0.01, 0.9, 0.5, 0, true), // epsilon 0: tfjs subtracts it under the square root
    slotLists: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'],
    state: [],
  },
];

/** The optimizer's internal field `name`. */
export function internal<T = unknown>(optimizer: tf.Optimizer, name: string): T {
  return (optimizer as unknown as Record<string, T>)[name]!;
}
