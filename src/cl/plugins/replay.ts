import { CheckpointError, UsageError } from '../../errors.js';
import { serializable } from '../../registry/index.js';
import { ReplayDataLoader } from '../benchmarks/data-loader.js';
import { requireInteger } from '../benchmarks/dataset.js';
import type { StrategyPlugin, SupervisedTemplate } from '../training/template.js';
import { ClassBalancedBuffer, ExperienceBalancedBuffer, type StoragePolicy } from './storage-policy.js';

export interface ReplayPluginOptions {
  /** Samples the memory holds. Default 200. */
  memSize?: number;
  /** Current-data samples per batch. Default: the strategy's `trainMbSize`. */
  batchSize?: number;
  /** Memory samples per batch. Default: the strategy's `trainMbSize`. */
  batchSizeMem?: number;
  /**
   * `experience` (default): an {@link ExperienceBalancedBuffer}; `class`: a
   * {@link ClassBalancedBuffer}; or a buffer whose `maxSize` equals `memSize`.
   */
  storagePolicy?: 'experience' | 'class' | StoragePolicy;
}

/**
 * Experience replay (the original's `ReplayPlugin`; rehearsal as in Rebuffi et al.,
 * "iCaRL", 2017 and Chaudhry et al., "On Tiny Episodic Memories in Continual Learning",
 * 2019): after each training experience the storage policy samples the experience into
 * the memory; from the second experience on, every training batch is the current
 * data's batch followed by a batch drawn from the memory. The memory holds indices
 * into the benchmark's de-duplicated datasets.
 */
@serializable({ name: 'reprise.cl.ReplayPlugin' })
export class ReplayPlugin implements StrategyPlugin {
  readonly memSize: number;
  readonly batchSize: number | undefined;
  readonly batchSizeMem: number | undefined;
  storagePolicy: StoragePolicy;

  /** @throws UsageError `BAD_CONFIG` for a non-positive size or a policy whose `maxSize` differs from `memSize`. */
  constructor(options: ReplayPluginOptions = {}) {
    this.memSize = requireInteger(options.memSize ?? 200, 1, '.memSize');
    this.batchSize = options.batchSize === undefined ? undefined : requireInteger(options.batchSize, 1, '.batchSize');
    this.batchSizeMem = options.batchSizeMem === undefined ? undefined : requireInteger(options.batchSizeMem, 1, '.batchSizeMem');
    const policy = options.storagePolicy ?? 'experience';
    if (policy === 'experience') this.storagePolicy = new ExperienceBalancedBuffer(this.memSize, true);
    else if (policy === 'class') this.storagePolicy = new ClassBalancedBuffer(this.memSize, true);
    else if (typeof policy === 'object' && typeof policy.update === 'function') {
      if (policy.maxSize !== this.memSize) {
        throw new UsageError('BAD_CONFIG', `the storage policy holds ${policy.maxSize} samples but memSize is ${this.memSize}`, {
          path: '.storagePolicy.maxSize',
        });
      }
      this.storagePolicy = policy;
    } else {
      throw new UsageError('BAD_CONFIG', `storagePolicy must be "experience", "class" or a buffer, got ${String(policy)}`, {
        path: '.storagePolicy',
      });
    }
  }

  beforeTrainingExp(strategy: SupervisedTemplate): void {
    const memory = this.storagePolicy.buffer;
    if (memory.length === 0) return;
    strategy.dataloader = new ReplayDataLoader(strategy.adaptedDataset!, memory, {
      batchSize: this.batchSize ?? strategy.trainMbSize,
      batchSizeMem: this.batchSizeMem ?? strategy.trainMbSize,
      shuffle: true,
    });
  }

  afterTrainingExp(strategy: SupervisedTemplate): void {
    this.storagePolicy.update(strategy);
  }
}
