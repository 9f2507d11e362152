import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { StopSignal } from '../../src/checkpoint/index.js';
import { StopSignal as BrowserStopSignal } from '../../src/checkpoint/stop-signal-unavailable.js';

describe('StopSignal', () => {
  /** What `install()` throws while `globalThis.process` is `value`. */
  function installWithProcess(value: unknown): unknown {
    const real = Object.getOwnPropertyDescriptor(globalThis, 'process')!;
    Object.defineProperty(globalThis, 'process', { value, configurable: true, writable: true });
    try {
      new StopSignal().install();
    } catch (err) {
      return err;
    } finally {
      Object.defineProperty(globalThis, 'process', real);
    }
    return undefined;
  }

  it('refuses to install where there is no process (a browser or worker) with UNSUPPORTED_PLATFORM', () => {
    const thrown = installWithProcess(undefined);
    assert.ok(thrown instanceof CheckpointError && thrown.code === 'UNSUPPORTED_PLATFORM', String(thrown));
  });

  it('refuses a process object without signals (a worker polyfill) with UNSUPPORTED_PLATFORM too', () => {
    const thrown = installWithProcess({ env: {} });
    assert.ok(thrown instanceof CheckpointError && thrown.code === 'UNSUPPORTED_PLATFORM', String(thrown));
  });

  it('by default listens to SIGINT and SIGTERM and writes its line to stderr', (t) => {
    const counts = () => [process.listenerCount('SIGINT'), process.listenerCount('SIGTERM')];
    const before = counts();
    const others = process.listeners('SIGINT');
    process.removeAllListeners('SIGINT');
    t.after(() => others.forEach((l) => process.on('SIGINT', l)));
    const exits: Array<number | undefined> = [];
    t.mock.method(process, 'exit', (c?: number) => void exits.push(c));
    const written: string[] = [];
    t.mock.method(process.stderr, 'write', (chunk: string) => (written.push(String(chunk)), true));
    const stop = new StopSignal().install();
    try {
      assert.deepEqual(counts(), [1, before[1]! + 1]);
      process.emit('SIGINT', 'SIGINT');
      process.emit('SIGINT', 'SIGINT');
      assert.deepEqual(exits, [130]);
      assert.ok(written.length > 0 && written.every((l) => l.endsWith('\n')), 'its lines went to stderr');
    } finally {
      stop.dispose();
      t.mock.restoreAll();
    }
  });

  it('installs and removes its handlers in Node', () => {
    const before = process.listenerCount('SIGTERM');
    const stop = new StopSignal().install(['SIGTERM']);
    assert.equal(process.listenerCount('SIGTERM'), before + 1);
    assert.equal(stop.requested, false);
    stop.dispose();
    assert.equal(process.listenerCount('SIGTERM'), before);
  });

  it('in the browser build (#stop-signal outside Node) install and exit throw UNSUPPORTED_PLATFORM; requested stays false', async () => {
    const stop = new BrowserStopSignal();
    assert.throws(() => stop.install(), (err: unknown) => err instanceof CheckpointError && err.code === 'UNSUPPORTED_PLATFORM');
    await assert.rejects(stop.exit(), (err: unknown) => err instanceof CheckpointError && err.code === 'UNSUPPORTED_PLATFORM');
    assert.equal(stop.requested, false);
    stop.dispose();
  });

  it('the first signal only asks to stop; a second exits at once with 128 + its number (SIGINT 130, SIGTERM 143, any other 129)', (t) => {
    for (const [sig, status] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]] as const) {
      const exits: Array<number | undefined> = [];
      t.mock.method(process, 'exit', (c?: number) => void exits.push(c));
      // process.emit reaches every listener: set aside those a test runner installed (Stryker's exits too).
      const others = process.listeners(sig);
      process.removeAllListeners(sig);
      t.after(() => others.forEach((l) => process.on(sig, l)));
      const lines: string[] = [];
      const stop = new StopSignal().install([sig], (l) => lines.push(l));
      try {
        process.emit(sig, sig);
        assert.equal(stop.requested, true);
        assert.equal(stop.signal, sig);
        assert.deepEqual(exits, []);
        process.emit(sig, sig);
        assert.deepEqual(exits, [status]);
      } finally {
        stop.dispose();
        t.mock.restoreAll();
      }
    }
  });

  it('exit waits for background writes, exits with the code given, 1 when a write failed, and removes its handlers', async (t) => {
    const exits: Array<number | undefined> = [];
    t.mock.method(process, 'exit', (c?: number) => void exits.push(c));
    const before = process.listenerCount('SIGINT');
    const stop = new StopSignal().install(['SIGINT'], () => undefined);
    await stop.exit(3, () => undefined);
    assert.deepEqual(exits, [3]);
    assert.equal(process.listenerCount('SIGINT'), before);
    await new StopSignal().exit(undefined, () => undefined);
    assert.deepEqual(exits, [3, 0]);
  });
});
