/**
 * `#stop-signal` outside Node (package.json `imports`): browsers and workers have no
 * process signals and no process to exit, so `install()` and `exit()` throw
 * `CheckpointError` `UNSUPPORTED_PLATFORM` (flush background writes with
 * `flushCheckpointWrites()` instead), `requested` stays false and `dispose()` does
 * nothing; a browser bundle does not carry ./stop-signal.ts.
 */
import { unavailable } from '../no-node/unavailable.js';

const fail = unavailable('StopSignal', "Node's process signals");

export class StopSignal {
  /** Never set: no signal reaches a page or a worker. */
  signal: string | undefined;

  get requested(): boolean {
    return this.signal !== undefined;
  }

  install(..._args: unknown[]): this {
    return fail();
  }

  async exit(..._args: unknown[]): Promise<never> {
    return fail();
  }

  dispose(): void {}
}

/** No process exits here: a failed background write is told by the warning and by `flush()` (./stop-signal.ts in Node). */
export function failExitIfUnflushed(_failed: () => boolean, _name: string, _error: unknown): void {}
