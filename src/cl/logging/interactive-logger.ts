import { serializable } from '../../registry/index.js';
import { LineLogger } from './line-logger.js';
import { ProgressDisplay, type OutputStream } from './progress-display.js';
import { clockValue, currentExperience, iterationsPerEpoch } from './strategy-view.js';

export interface InteractiveLoggerOptions {
  /**
   * Where the report and the progress go. Default `process.stdout`. A custom stream is
   * not stored in checkpoints: a restored logger writes to `process.stdout`, or to
   * `process.stderr` if it was given that; assign {@link InteractiveLogger.stream} to
   * change it.
   */
  stream?: OutputStream;
}

/**
 * The original's `InteractiveLogger`: the {@link LineLogger} report on the console, and
 * a progress bar through each training epoch and each eval experience. On a terminal
 * (`stream.isTTY`) the bar is a live `cli-progress` bar; elsewhere (tests, CI, a
 * redirected output) a single plain `[progress] …` line is written when the epoch or
 * experience ends.
 *
 * The bar's size is `strategy.dataloader.length` (or `.numBatches`); without it the bar
 * is a counter. Labels come from the strategy's clock and experience, so after a resume
 * they read where the run is (`training exp 3, epoch 1`), and a bar created in the
 * middle of an epoch (a logger restored there) starts at `clock.trainEpochIterations`.
 * A restored logger first prints `[InteractiveLogger] Resuming from checkpoint. …`.
 */
@serializable({ name: 'reprise.cl.InteractiveLogger', exclude: ['stream', 'progress', 'announced'] })
export class InteractiveLogger extends LineLogger {
  /** Which standard stream a restored logger writes to. */
  protected streamName: 'stdout' | 'stderr';
  /** True once this run has written: a restored logger then prints a resume line first. */
  protected started = false;
  /** Where this process writes; excluded from checkpoints. */
  stream: OutputStream | undefined;
  /** The bar of the current epoch or eval experience; excluded from checkpoints. */
  private progress: ProgressDisplay | undefined = undefined;
  /** Set in the constructor; excluded, so unset on a restored logger until it prints its resume line. */
  private announced: boolean | undefined = true;

  constructor(options: InteractiveLoggerOptions = {}) {
    super();
    this.stream = options.stream ?? process.stdout;
    this.streamName = this.stream === process.stderr ? 'stderr' : 'stdout';
  }

  override beforeTrainingEpoch(strategy: unknown): void {
    this.endProgress();
    this.progress = new ProgressDisplay(
      this.output(),
      `training exp ${currentExperience(strategy) ?? '?'}, epoch ${(clockValue(strategy, 'trainExpEpochs') ?? 0) + 1}`,
      iterationsPerEpoch(strategy),
      0,
    );
  }

  override afterTrainingIteration(strategy: unknown): void {
    if (this.progress === undefined) {
      // restored in the middle of an epoch, or no `beforeTrainingEpoch` was seen
      this.progress = new ProgressDisplay(
        this.output(),
        `training exp ${currentExperience(strategy) ?? '?'}`,
        iterationsPerEpoch(strategy),
        clockValue(strategy, 'trainEpochIterations') ?? 0,
      );
    }
    this.progress.increment();
  }

  override afterTrainingEpoch(strategy: unknown): void {
    this.endProgress();
    super.afterTrainingEpoch(strategy);
  }

  override beforeEvalExp(strategy: unknown): void {
    super.beforeEvalExp(strategy);
    this.endProgress();
    this.progress = new ProgressDisplay(this.output(), `eval exp ${currentExperience(strategy) ?? '?'}`, iterationsPerEpoch(strategy), 0);
  }

  override afterEvalIteration(strategy: unknown): void {
    if (this.progress === undefined) {
      this.progress = new ProgressDisplay(this.output(), `eval exp ${currentExperience(strategy) ?? '?'}`, iterationsPerEpoch(strategy), 0);
    }
    this.progress.increment();
  }

  override afterEvalExp(strategy: unknown): void {
    this.endProgress();
    super.afterEvalExp(strategy);
  }

  /** Stops a running bar. The stream itself is not closed. */
  override close(): void {
    this.endProgress();
  }

  protected override writeLines(lines: readonly string[]): void {
    if (lines.length === 0) return;
    this.output().write(lines.map((l) => `${l}\n`).join(''));
  }

  private endProgress(): void {
    this.progress?.stop();
    this.progress = undefined;
  }

  /** The stream, set up on first use in this process; a restored logger prints its resume line first. */
  private output(): OutputStream {
    const stream = (this.stream ??= this.streamName === 'stderr' ? process.stderr : process.stdout);
    if (this.announced !== true) {
      this.announced = true;
      if (this.started) stream.write(`${this.resumeLine()}\n`);
    }
    this.started = true;
    return stream;
  }
}
