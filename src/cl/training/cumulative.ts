import { serializable } from '../../registry/index.js';
import type { ClassificationDataset } from '../benchmarks/dataset.js';
import type { Experience } from '../benchmarks/experience.js';
import { SampleSet } from '../benchmarks/sample-set.js';
import { SupervisedTemplate, TRANSIENT_FIELDS, type SupervisedTemplateOptions } from './template.js';

/**
 * The original's `Cumulative` strategy, the usual upper bound of continual learning:
 * each experience is trained on the data of every experience trained on so far
 * (joint training, grown one experience at a time). The datasets seen are kept as
 * references to the benchmark's de-duplicated datasets, so a checkpoint stores which
 * datasets, never their samples; the union is rebuilt as a {@link SampleSet} before each
 * experience (plugins may still replace it in `afterTrainDatasetAdaptation`).
 *
 * @example
 * ```ts
 * const strategy = new Cumulative({ model, optimizer: tf.train.momentum(0.01, 0.9), trainMbSize: 128, trainEpochs: 1 });
 * for (const exp of benchmark.trainStream) { await strategy.train(exp); await strategy.eval(benchmark.testStream); }
 * ```
 */
@serializable({ name: 'reprise.cl.Cumulative', exclude: TRANSIENT_FIELDS })
export class Cumulative extends SupervisedTemplate {
  /** The training datasets of the experiences trained on, in order (the current one last during training). */
  datasetsSeen: ClassificationDataset[] = [];

  constructor(options: SupervisedTemplateOptions) {
    super(options);
  }

  protected override trainDatasetAdaptation(experience: Experience): void {
    this.datasetsSeen.push(experience.dataset);
    this.adaptedDataset = this.datasetsSeen.map((d) => SampleSet.of(d)).reduce((all, next) => all.concat(next));
  }
}
