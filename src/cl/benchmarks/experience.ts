import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import type { ClassificationDataset } from './dataset.js';

/** Name of the stream an experience belongs to, as in `test_stream`. */
export type StreamName = 'train' | 'test' | (string & {});

/**
 * One step of a stream: its dataset, its position in the stream, its classes and its
 * task labels, as the original's `CLExperience`. The dataset is a de-duplicated one,
 * so a checkpoint holding an experience stores how to rebuild its data.
 */
@serializable({ name: 'reprise.cl.Experience' })
export class Experience {
  constructor(
    /** `train` or `test`; metric names say `<streamName>_stream`. */
    readonly streamName: StreamName,
    /** Position in its stream, from 0. */
    readonly currentExperience: number,
    readonly dataset: ClassificationDataset,
    /** The classes of this experience, ascending. */
    readonly classesInThisExperience: number[],
    /** The distinct task labels of this experience's samples, ascending. */
    readonly taskLabels: number[],
  ) {}

  /**
   * The experience's single task label.
   * @throws UsageError `MULTIPLE_TASKS` when it has several.
   */
  get taskLabel(): number {
    if (this.taskLabels.length !== 1) {
      throw new UsageError(
        'MULTIPLE_TASKS',
        `experience ${this.currentExperience} of the ${this.streamName} stream has task labels [${this.taskLabels.join(', ')}]; ` +
          'use taskLabels or the per-sample labels',
      );
    }
    return this.taskLabels[0]!;
  }
}
