/**
 * Turns SIGINT/SIGTERM (what a scheduler such as SLURM sends before pre-empting a
 * job) into a request to stop at the next safe point: the training loop checks
 * `requested` after each experience's eval and checkpoint, then exits 0. A second
 * signal exits at once with 128 + the signal number; the last checkpoint still loads.
 *
 * @example
 * ```ts
 * const stop = new StopSignal().install();
 * for (const exp of stream.slice(initialExp)) {
 *   await strategy.train(exp);
 *   await strategy.eval(testStream); // CheckpointPlugin saves here
 *   if (stop.requested) process.exit(0);
 * }
 * stop.dispose();
 * ```
 */
export class StopSignal {
  /** The first signal received, once one has been. */
  signal: NodeJS.Signals | undefined;
  private readonly handlers = new Map<NodeJS.Signals, () => void>();

  get requested(): boolean {
    return this.signal !== undefined;
  }

  install(signals: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM'], log: (line: string) => void = (l) => process.stderr.write(l + '\n')): this {
    for (const sig of signals) {
      const handler = (): void => {
        if (this.signal) {
          log(`reprise: second ${sig}, exiting now; the last checkpoint is intact`);
          process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
        }
        this.signal = sig;
        log(`reprise: ${sig} received, stopping after the current experience is evaluated and checkpointed`);
      };
      this.handlers.set(sig, handler);
      process.on(sig, handler);
    }
    return this;
  }

  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }
}
