import { CheckpointError } from '../../errors.js';

/** Where a training run was when its loss stopped being a finite number. */
export interface DivergencePoint {
  /** `currentExperience` of the experience being trained on. */
  experience: number;
  /** Epoch within the experience, from 0. */
  epoch: number;
  /** Iteration within the epoch, from 0. */
  iteration: number;
  /** Training iterations of the whole run before this one. */
  runIteration: number;
  /** The loss: `NaN`, `Infinity` or `-Infinity`. */
  loss: number;
}

/**
 * Training diverged: the loss of a mini-batch is NaN or infinite (a learning rate or a
 * penalty weight too large, usually). Thrown before the optimizer applies that
 * iteration's gradients, with code `LOSS_NOT_FINITE` and where it happened; checkpoints
 * saved so far are untouched.
 */
export class TrainingDivergedError extends CheckpointError {
  readonly experience: number;
  readonly epoch: number;
  readonly iteration: number;
  readonly runIteration: number;
  readonly loss: number;

  constructor(at: DivergencePoint) {
    super(
      'LOSS_NOT_FINITE',
      `training diverged: the loss is ${at.loss} at experience ${at.experience}, epoch ${at.epoch}, iteration ${at.iteration} ` +
        `(iteration ${at.runIteration} of the run); lower the learning rate or the penalty weights (EWC λ, SI λ, LwF α) — checkpoints saved so far are intact`,
    );
    this.experience = at.experience;
    this.epoch = at.epoch;
    this.iteration = at.iteration;
    this.runIteration = at.runIteration;
    this.loss = at.loss;
  }
}
