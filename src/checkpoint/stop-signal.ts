import { flushCheckpointWrites } from './checkpoint-plugin.js';
import { unavailable } from '../no-node/unavailable.js';

/**
 * Turns SIGINT/SIGTERM (what a scheduler such as SLURM sends before pre-empting a
 * job) into a request to stop at the next safe point: the training loop checks
 * `requested` after each experience's eval and checkpoint, then calls {@link StopSignal.exit},
 * which waits for checkpoints still being written in the background and exits 0. A
 * second signal exits at once with 128 + the signal number; the last checkpoint that
 * finished writing still loads (a write cut short leaves only a temporary file, removed
 * by the next save).
 *
 * @example
 * ```ts
 * const stop = new StopSignal().install();
 * for (const exp of stream.slice(initialExp)) {
 *   await strategy.train(exp);
 *   await strategy.eval(testStream); // CheckpointPlugin saves here
 *   if (stop.requested) await stop.exit();
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
    // Browsers and workers have no signals: say so instead of a ReferenceError on `process`.
    if (typeof process === 'undefined' || typeof process.on !== 'function') unavailable('StopSignal.install', "Node's process signals")();
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

  /**
   * Waits for every `CheckpointPlugin`'s background write (see `flushCheckpointWrites`),
   * then exits with `code`; a failed write is printed and the exit code is 1.
   */
  async exit(code = 0, log: (line: string) => void = (l) => process.stderr.write(l + '\n')): Promise<never> {
    try {
      await flushCheckpointWrites();
    } catch (err) {
      log(`reprise: ${(err as Error)?.message ?? err}`);
      code = 1;
    }
    this.dispose();
    process.exit(code);
  }

  dispose(): void {
    for (const [sig, handler] of this.handlers) process.off(sig, handler);
    this.handlers.clear();
  }
}

/**
 * When the process is about to exit normally while `failed()` (checkpoint `name`'s
 * background write failed with `error` and nobody called `flush()`), says so on stderr
 * and sets exit code 1. Outside Node (./stop-signal-unavailable.ts) there is no exit to
 * fail: it does nothing.
 */
export function failExitIfUnflushed(failed: () => boolean, name: string, error: unknown): void {
  if (typeof process === 'undefined' || typeof process.once !== 'function') return;
  process.once('beforeExit', () => {
    if (!failed()) return;
    process.stderr.write(`reprise: checkpoint "${name}" was never written (${(error as Error)?.message ?? error}) and nobody called flush(); exiting with code 1\n`);
    process.exitCode = 1;
  });
}
