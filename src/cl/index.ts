/**
 * `reprise/cl`: the continual-learning layer — benchmarks, models, the strategy
 * template, plugins, metrics, loggers and `RNGManager`. The engine (save/load,
 * decorators, `CheckpointPlugin`, errors) is imported from `reprise`.
 */
export * from './benchmarks/index.js';
export { STRATEGY_CALLBACKS } from './core/callbacks.js';
export type { StrategyCallbackName, StrategyCallbacks } from './core/callbacks.js';
export type { ClockView, StrategyView } from './core/strategy-view.js';
export * from './evaluation/index.js';
export * from './logging/index.js';
export * from './models/index.js';
export * from './plugins/index.js';
export * from './rng/index.js';
export * from './training/index.js';
