/**
 * A plugin is any object with some of the strategy callbacks (`beforeTrainingExp`,
 * `beforeBackward`, …; see `STRATEGY_CALLBACKS`), each receiving the strategy. Register
 * a plugin class with `@serializable({ name, exclude })` so that a checkpoint stores
 * its state; keep that state in plain fields (numbers, arrays, Maps, typed arrays,
 * tensors, models), never in closures.
 */
export type { StrategyPlugin } from '../training/template.js';
