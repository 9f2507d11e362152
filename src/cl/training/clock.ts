import { serializable } from '../../registry/index.js';
import type { StrategyCallbacks } from '../core/callbacks.js';

/**
 * The strategy's counters, as the original's `Clock` plugin. It is the last plugin
 * of a strategy, so every other plugin sees the counters of the iteration, epoch or
 * experience that is ending before they advance.
 */
@serializable({ name: 'reprise.cl.Clock' })
export class Clock implements StrategyCallbacks {
  /** Training iterations since the strategy was created. */
  trainIterations = 0;
  /** Training experiences completed. */
  trainExpCounter = 0;
  /** Epochs completed in the current training experience. */
  trainExpEpochs = 0;
  /** Iterations in the current training experience. */
  trainExpIterations = 0;
  /** Iterations in the current epoch. */
  trainEpochIterations = 0;
  /** Training and evaluation iterations. */
  totalIterations = 0;

  beforeTrainingExp(): void {
    this.trainExpIterations = 0;
    this.trainExpEpochs = 0;
  }

  beforeTrainingEpoch(): void {
    this.trainEpochIterations = 0;
  }

  afterTrainingIteration(): void {
    this.trainEpochIterations++;
    this.trainExpIterations++;
    this.trainIterations++;
    this.totalIterations++;
  }

  afterTrainingEpoch(): void {
    this.trainExpEpochs++;
  }

  afterTrainingExp(): void {
    this.trainExpCounter++;
  }

  afterEvalIteration(): void {
    this.totalIterations++;
  }
}
