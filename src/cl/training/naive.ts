import { serializable } from '../../registry/index.js';
import { SupervisedTemplate, TRANSIENT_FIELDS, type SupervisedTemplateOptions } from './template.js';

/**
 * The original's `Naive` strategy: plain fine-tuning on each experience in turn, with
 * whatever plugins are given (replay, EWC, …).
 *
 * @example
 * ```ts
 * const strategy = new Naive({
 *   model, optimizer: tf.train.momentum(0.01, 0.9), trainMbSize: 128, trainEpochs: 1,
 *   evalMbSize: 128, device: 'cpu', plugins: [new ReplayPlugin({ memSize: 500 })], evaluator,
 * });
 * for (const exp of benchmark.trainStream) { await strategy.train(exp); await strategy.eval(benchmark.testStream); }
 * ```
 */
@serializable({ name: 'reprise.cl.Naive', exclude: TRANSIENT_FIELDS })
export class Naive extends SupervisedTemplate {
  constructor(options: SupervisedTemplateOptions) {
    super(options);
  }
}
