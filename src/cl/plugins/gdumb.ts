import { serializable } from '../../registry/index.js';
import { requireInteger } from '../benchmarks/dataset.js';
import type { CLModel } from '../models/cl-model.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';
import { ClassBalancedBuffer } from './storage-policy.js';

/**
 * GDumb (Prabhu, Torr & Dokania, "GDumb: A Simple Approach that Questions Our Progress
 * in Continual Learning", ECCV 2020), as the original's `GDumbPlugin`: a class-balanced
 * memory of `memSize` samples is updated greedily with each experience, then the
 * model is reset to its initial weights and trained on the memory only.
 *
 * The initial model is a copy taken before the first experience; it is adapted to
 * every experience (new heads keep one initialisation across resets). Models this
 * plugin created are disposed when replaced; the model the strategy was built with
 * is left to its owner.
 */
@serializable({ name: 'reprise.cl.GDumbPlugin' })
export class GDumbPlugin implements StrategyPlugin {
  readonly memSize: number;
  storagePolicy: ClassBalancedBuffer;
  /** The model before any training, grown by adaptation. */
  initModel: CLModel | undefined = undefined;
  /** True when the strategy's model is a copy this plugin made. */
  ownsStrategyModel = false;

  /** @throws UsageError `BAD_CONFIG` when `memSize` is not a positive integer. */
  constructor(options: { memSize?: number } = {}) {
    this.memSize = requireInteger(options.memSize ?? 200, 1, '.memSize');
    this.storagePolicy = new ClassBalancedBuffer(this.memSize, true);
  }

  beforeTrainDatasetAdaptation(strategy: SupervisedTemplate): void {
    if (!this.initModel) {
      this.initModel = strategy.model.clone();
    } else {
      const old = strategy.model;
      strategy.model = this.initModel.clone();
      if (this.ownsStrategyModel) old.dispose();
      this.ownsStrategyModel = true;
    }
    this.initModel.adaptation(strategy.experience!, true);
  }

  afterTrainDatasetAdaptation(strategy: SupervisedTemplate): void {
    this.storagePolicy.update(strategy);
    strategy.adaptedDataset = this.storagePolicy.buffer;
  }

  beforeEvalExp(strategy: SupervisedTemplate): void {
    this.initModel?.adaptation(strategy.experience!, false);
  }
}
