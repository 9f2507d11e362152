import { registerGlobalState } from '../../checkpoint/index.js';
import { RNGManager, type RNGState } from './rng-manager.js';

/**
 * Every run checkpoint carries the generators' states (`saveCheckpoint`,
 * `CheckpointPlugin`) and restores them after the strategy has loaded completely.
 */
registerGlobalState('reprise.rng', {
  capture: () => RNGManager.getState(),
  restore: (state) => RNGManager.setState(state as RNGState),
});
