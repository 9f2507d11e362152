import { serializable } from '../src/index.js';
import type { RunConfig } from './splitmnist-options.js';

/**
 * The settings a run was started with, kept among the strategy's plugins so that every
 * checkpoint carries them (it has no callbacks: the strategy skips it). A resumed run
 * reads them back and refuses a command line that contradicts them.
 */
@serializable({ name: 'examples.RunConfiguration' })
export class RunConfiguration {
  constructor(readonly values: RunConfig) {}

  /** The configuration among `plugins`, or `undefined` (a checkpoint of another script). */
  static find(plugins: readonly unknown[] | undefined): RunConfiguration | undefined {
    return plugins?.find((p): p is RunConfiguration => p instanceof RunConfiguration);
  }
}
