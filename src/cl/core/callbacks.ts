/**
 * The callbacks a strategy calls on its plugins, evaluator and loggers, in the order of
 * the original's template. Every callback may return a promise, which is awaited.
 */
export const STRATEGY_CALLBACKS = [
  'beforeTraining',
  'beforeTrainingExp',
  'beforeTrainDatasetAdaptation',
  'afterTrainDatasetAdaptation',
  'beforeTrainingEpoch',
  'beforeTrainingIteration',
  'beforeForward',
  'afterForward',
  'beforeBackward',
  'afterBackward',
  'beforeUpdate',
  'afterUpdate',
  'afterTrainingIteration',
  'afterTrainingEpoch',
  'afterTrainingExp',
  'afterTraining',
  'beforeEval',
  'beforeEvalExp',
  'beforeEvalIteration',
  'beforeEvalForward',
  'afterEvalForward',
  'afterEvalIteration',
  'afterEvalExp',
  'afterEval',
] as const;

export type StrategyCallbackName = (typeof STRATEGY_CALLBACKS)[number];

/** A plugin, metric or logger: implements any subset of the callbacks. `S` is the strategy type. */
export type StrategyCallbacks<S = unknown> = {
  [K in StrategyCallbackName]?: (strategy: S) => void | Promise<void>;
};
