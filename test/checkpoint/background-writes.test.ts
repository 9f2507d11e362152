import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CheckpointStorageError } from '../../src/errors.js';
import { CheckpointPlugin, flushCheckpointWrites, MemoryCheckpointStorage, StopSignal, type CheckpointTiming } from '../../src/checkpoint/index.js';
import { GatedStorage } from './gated-storage.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

/** Whether `p` has settled after the event loop has run everything it can. */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => (done = true),
    () => (done = true),
  );
  for (let i = 0; i < 20; i++) await nextTurn();
  return done;
}

class FailingStorage extends MemoryCheckpointStorage {
  failures = 0;
  /** The errors thrown, in order. */
  thrown: CheckpointStorageError[] = [];
  override async storeCheckpoint(name: string, chunks: readonly Uint8Array[]): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      this.thrown.push(new CheckpointStorageError('STORE_FAILED', `disk full while storing ${name}`));
      throw this.thrown.at(-1);
    }
    return super.storeCheckpoint(name, chunks);
  }
}

function captureWarnings(): { codes: string[]; stop(): void } {
  const codes: string[] = [];
  const listener = (w: Error & { code?: string }) => codes.push(w.code ?? '');
  process.on('warning', listener);
  return { codes, stop: () => process.off('warning', listener) };
}

describe('CheckpointPlugin writeInBackground', () => {
  it('returns before the checkpoint is stored; the next save waits for the write in flight (at most one)', async () => {
    const storage = new GatedStorage();
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
    const strategy = new ToyStrategy([plugin]);
    storage.close();
    await strategy.train(0);
    await strategy.eval(); // the plugin saves "1" here and returns
    assert.deepEqual(await storage.listCheckpoints(), [], 'not stored yet: training went on');
    await strategy.train(1);
    const secondEval = strategy.eval(); // must wait for "1"
    assert.equal(await settled(secondEval), false, 'the second save waits for the first write');
    storage.release();
    await secondEval;
    await plugin.flush();
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2']);
  });

  it('a failed write is a warning at once and a BACKGROUND_WRITE_FAILED at the next save, with the cause; nothing is lost silently', async () => {
    const warnings = captureWarnings();
    try {
      const storage = new FailingStorage();
      const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
      const strategy = new ToyStrategy([plugin]);
      storage.failures = 1;
      await strategy.train(0);
      await strategy.eval();
      await strategy.train(1);
      await assert.rejects(strategy.eval(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BACKGROUND_WRITE_FAILED' && (e.cause as CheckpointStorageError).code === 'STORE_FAILED');
      await nextTurn(); // warnings are emitted on the next tick
      assert.ok(warnings.codes.includes('REPRISE_CHECKPOINT_WRITE_FAILED'), `warnings: ${warnings.codes}`);
      // Reported once: the next save goes through.
      await strategy.eval();
      await plugin.flush();
      assert.deepEqual(await storage.listCheckpoints(), ['2']);
    } finally {
      warnings.stop();
    }
  });

  it('flush() reports a failure of the last write (the end of the run)', async () => {
    const storage = new FailingStorage();
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
    const strategy = new ToyStrategy([plugin]);
    storage.failures = 1;
    const warnings = captureWarnings();
    try {
      await strategy.train(0);
      await strategy.eval();
      await assert.rejects(plugin.flush(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BACKGROUND_WRITE_FAILED');
      await plugin.flush(); // reported once
    } finally {
      warnings.stop();
    }
  });

  it('StopSignal.exit() waits for the write in flight before exiting', async (t) => {
    const storage = new GatedStorage();
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
    const strategy = new ToyStrategy([plugin]);
    const exits: Array<{ code: number; stored: string[] }> = [];
    t.mock.method(process, 'exit', ((code: number) => {
      exits.push({ code, stored: [...storage.entries.keys()] });
    }) as never);
    storage.close();
    await strategy.train(0);
    await strategy.eval();
    const exiting = new StopSignal().exit(0, () => {});
    assert.equal(await settled(exiting), false, 'exit waits for the write');
    assert.deepEqual(exits, []);
    storage.release();
    await exiting;
    assert.deepEqual(exits, [{ code: 0, stored: ['1'] }]);
  });

  it('reports the time each checkpoint blocked training next to the time until it was stored', async () => {
    const timings: CheckpointTiming[] = [];
    const storage = new GatedStorage();
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true, onCheckpoint: (x) => timings.push(x) });
    const strategy = new ToyStrategy([plugin]);
    storage.close();
    await strategy.train(0);
    await strategy.eval();
    assert.equal(timings.length, 0, 'reported once stored');
    storage.release();
    await plugin.flush();
    assert.equal(timings.length, 1);
    assert.equal(timings[0]!.name, '1');
    assert.ok(timings[0]!.blockedMs <= timings[0]!.durableMs);
    assert.deepEqual(plugin.timings, timings);
  });

  it('without the option, a save returns once stored', async () => {
    const storage = new GatedStorage();
    const plugin = new CheckpointPlugin(storage);
    const strategy = new ToyStrategy([plugin]);
    storage.close();
    await strategy.train(0);
    const evaluating = strategy.eval();
    assert.equal(await settled(evaluating), false);
    storage.release();
    await evaluating;
    assert.deepEqual(await storage.listCheckpoints(), ['1']);
  });

  it('flushCheckpointWrites waits for every plugin\'s write and throws the first failure, with its cause; the rest are settled too', async () => {
    const warnings = captureWarnings();
    try {
      const first = new FailingStorage();
      const gated = new GatedStorage();
      const third = new FailingStorage();
      first.failures = 1;
      third.failures = 1;
      gated.close();
      const plugins = [first, gated, third].map((storage) => new CheckpointPlugin(storage, { writeInBackground: true }));
      for (const plugin of plugins) {
        const s = new ToyStrategy([plugin]);
        await s.train(0);
        await s.eval();
      }
      const flushing = flushCheckpointWrites();
      assert.equal(await settled(flushing), false, 'waits for the gated write');
      gated.release();
      await assert.rejects(flushing, (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BACKGROUND_WRITE_FAILED' && e.cause === first.thrown[0]);
      assert.deepEqual(await gated.listCheckpoints(), ['1']);
      await flushCheckpointWrites(); // nothing pending, nothing unreported
      for (const plugin of plugins) await plugin.flush();
    } finally {
      warnings.stop();
    }
  });

  it('a failed background write nobody flushes sets the exit code to 1 when the process would exit; a flushed one does not', async (t) => {
    const warnings = captureWarnings();
    const exitCode = process.exitCode;
    const written: string[] = [];
    try {
      for (const flushFirst of [false, true]) {
        const storage = new FailingStorage();
        storage.failures = 1;
        const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
        const s = new ToyStrategy([plugin]);
        const before = process.listeners('beforeExit');
        await s.train(0);
        await s.eval();
        for (let i = 0; i < 20; i++) await nextTurn(); // the failing write and its handler run
        written.length = 0;
        if (flushFirst) await assert.rejects(plugin.flush(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BACKGROUND_WRITE_FAILED');
        // The handler the failure installed (called here, not by emitting beforeExit at the test runner).
        const added = process.listeners('beforeExit').filter((l) => !before.includes(l));
        assert.equal(added.length, 1, 'one beforeExit handler per failed write');
        process.removeListener('beforeExit', added[0]!);
        process.exitCode = undefined;
        const stderr = t.mock.method(process.stderr, 'write', ((line: string) => written.push(line)) as never);
        try {
          (added[0] as () => void)();
        } finally {
          stderr.mock.restore();
        }
        assert.equal(process.exitCode, flushFirst ? undefined : 1, `flushed first: ${flushFirst}`);
        assert.equal(written.length, flushFirst ? 0 : 1, 'one line on stderr');
        if (!flushFirst) await assert.rejects(plugin.flush(), (e: unknown) => e instanceof CheckpointStorageError && e.code === 'BACKGROUND_WRITE_FAILED');
      }
    } finally {
      process.exitCode = exitCode;
      warnings.stop();
    }
  });

  it('timings: blockedMs is the time a save kept its caller, waiting for the previous write included; durableMs the time until stored (a clock the test moves)', async (t) => {
    const clock = { ms: 0 };
    t.mock.method(performance, 'now', () => clock.ms);
    for (const writeInBackground of [false, true]) {
      const storage = new GatedStorage();
      const reported: CheckpointTiming[] = [];
      const plugin = new CheckpointPlugin(storage, { writeInBackground, onCheckpoint: (x) => reported.push(x) });
      const strategy = new ToyStrategy([plugin]);
      storage.close();
      await strategy.train(0);
      clock.ms = 1000;
      const first = strategy.eval(); // background: returns at once; else waits for the gate
      await settled(first);
      await strategy.train(1);
      clock.ms = 2000;
      const second = strategy.eval(); // background: waits for the first write
      await settled(second);
      clock.ms = 2100;
      storage.release();
      await Promise.all([first, second]);
      await plugin.flush();
      const expected = writeInBackground
        ? [{ name: '1', blockedMs: 0, durableMs: 1100 }, { name: '2', blockedMs: 100, durableMs: 100 }]
        : [{ name: '1', blockedMs: 1100, durableMs: 1100 }, { name: '2', blockedMs: 100, durableMs: 100 }];
      assert.deepEqual(reported, expected, `writeInBackground: ${writeInBackground}`);
      assert.deepEqual(plugin.timings, expected);
    }
  });

  it('an onCheckpoint that throws after a background write: the next flush throws its error, once; no unhandled rejection, and saving goes on', async () => {
    const unhandled: unknown[] = [];
    const listener = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', listener);
    try {
      const bug = new Error('a bug in the callback');
      let calls = 0;
      const storage = new MemoryCheckpointStorage();
      const plugin = new CheckpointPlugin(storage, {
        writeInBackground: true,
        onCheckpoint: () => {
          if (calls++ === 0) throw bug;
        },
      });
      const strategy = new ToyStrategy([plugin]);
      await strategy.train(0);
      await strategy.eval();
      for (let i = 0; i < 20; i++) await nextTurn();
      assert.deepEqual(unhandled, []);
      await assert.rejects(plugin.flush(), (e: unknown) => e === bug);
      await plugin.flush(); // reported once
      await strategy.train(1);
      await strategy.eval();
      await plugin.flush();
      assert.deepEqual((await storage.listCheckpoints()).sort(), ['1', '2']);
      assert.deepEqual(plugin.timings.map((t) => t.name), ['1', '2']);
    } finally {
      process.off('unhandledRejection', listener);
    }
  });
});
