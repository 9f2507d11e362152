import type { Experience } from '../benchmarks/experience.js';

/** The strategy's counters as metrics and loggers read them (the `Clock`). */
export interface ClockView {
  /** Training iterations since the strategy was created. */
  readonly trainIterations: number;
  /** Training experiences completed. */
  readonly trainExpCounter: number;
  /** Epochs completed in the current training experience. */
  readonly trainExpEpochs: number;
  /** Iterations in the current training experience. */
  readonly trainExpIterations: number;
  /** Iterations in the current epoch. */
  readonly trainEpochIterations: number;
}

/**
 * The one narrow view of a strategy that metrics, the evaluation plugin and loggers are
 * typed against: what they read, nothing they could change. `SupervisedTemplate`
 * implements it; metrics and loggers never import the strategy itself, so the training
 * layer depends on evaluation and logging, never the reverse. (Plugins that change
 * training — replay, EWC — take the whole `SupervisedTemplate`.)
 */
export interface StrategyView {
  /** The experience being trained or evaluated on. */
  readonly experience: Experience | undefined;
  /** True during `train` (an eval inside it is a validation). */
  readonly isTraining: boolean;
  readonly clock: ClockView;
  /** The current batches; its `length` sizes progress bars. */
  readonly dataloader: { readonly length: number } | undefined;
  /** Class labels of the current mini-batch. */
  readonly mbYValues: Int32Array | undefined;
  /** Task labels of the current mini-batch. */
  readonly mbTaskValues: Int32Array | undefined;
  /** The arg-max class of each row of the current output. */
  mbPredictions(): Int32Array;
  /** The loss of the current mini-batch. */
  lossValue(): number;
}
