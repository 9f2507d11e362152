import assert from 'node:assert/strict';
import { describe, it, type TestContext } from 'node:test';
import { CheckpointPlugin, MemoryCheckpointStorage } from '../../src/checkpoint/index.js';
import { serializable } from '../../src/registry/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';

/**
 * When the plugin saves, and under which name, driven by hand: a ToyStrategy with the
 * cl layer's `trainingPosition` and run clock, the plugin's callbacks called directly, and
 * `performance.now` replaced by a clock the test sets (no wall-clock timing). The full
 * training runs of iteration-checkpoints.test pin the same through the cl layer, slowly.
 */
@serializable({ name: 'test.checkpoint-schedule.InsideExperience' })
class InsideExperience extends ToyStrategy {
  override clock = { trainExpCounter: 1, trainIterations: 0, trainExpIterations: 0 };
  trainingPosition: { experience: number } | undefined = { experience: 1 };
  /** One training iteration: both counters advance, then the plugin's callback runs. */
  async iterate(plugin: CheckpointPlugin): Promise<void> {
    this.clock.trainIterations++;
    this.clock.trainExpIterations++;
    await plugin.afterTrainingIteration(this);
  }
}

/** A clock for `performance.now`, in milliseconds, that only the test moves. */
function fakeClock(t: TestContext): { ms: number } {
  const clock = { ms: 0 };
  t.mock.method(performance, 'now', () => clock.ms);
  return clock;
}

describe('CheckpointPlugin: when it saves inside experiences', () => {
  it('everyIterations counts the run\'s iterations and names the checkpoint by the iterations into the experience', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage, { everyIterations: 3 });
    const s = new InsideExperience([plugin]);
    s.clock.trainIterations = 10; // ten iterations in earlier experiences
    for (let i = 0; i < 7; i++) await s.iterate(plugin);
    // Run iterations 12 and 15 are multiples of 3; they are iterations 2 and 5 of experience 1.
    assert.deepEqual(await plugin.checkpointNames(), ['1.2', '1.5']);
  });

  it('saves nothing between iterations without everyIterations or everySeconds, or outside an experience', async (t) => {
    const clock = fakeClock(t);
    for (const options of [{}, { everyIterations: 1 }, { everySeconds: 1 }]) {
      for (const position of [undefined, null, { experience: 1 }]) {
        if (position !== undefined && position !== null && Object.keys(options).length > 0) continue; // the saving case
        const storage = new MemoryCheckpointStorage();
        const plugin = new CheckpointPlugin(storage, options);
        const s = new InsideExperience([plugin]);
        s.trainingPosition = position as { experience: number } | undefined; // null as well: the plugin treats both as outside
        for (let i = 0; i < 3; i++) {
          clock.ms += 5000;
          await s.iterate(plugin);
        }
        assert.deepEqual(await storage.listCheckpoints(), [], JSON.stringify({ options, position }));
      }
    }
  });

  it('everySeconds saves after the first iteration that ends T seconds or more after the previous checkpoint (or the first iteration seen)', async (t) => {
    const clock = fakeClock(t);
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage, { everySeconds: 2 });
    const s = new InsideExperience([plugin]);
    const at = async (ms: number) => {
      clock.ms = ms;
      await s.iterate(plugin);
    };
    await at(1000); // the first iteration seen starts the interval
    await at(2999);
    assert.deepEqual(await plugin.checkpointNames(), []);
    await at(3000); // exactly 2 s later
    assert.deepEqual(await plugin.checkpointNames(), ['1.3']);
    await at(4999);
    await at(5000);
    assert.deepEqual(await plugin.checkpointNames(), ['1.3', '1.5']);
  });

  it('an end-of-experience checkpoint restarts the everySeconds interval', async (t) => {
    const clock = fakeClock(t);
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage, { everySeconds: 2 });
    const s = new InsideExperience([plugin]);
    clock.ms = 1000;
    await s.iterate(plugin); // starts the interval
    clock.ms = 2500;
    s.trainingPosition = undefined;
    await s.eval(); // saves "1": 1.5 s into the interval
    s.trainingPosition = { experience: 1 };
    clock.ms = 4000; // 3 s after the interval started, 1.5 s after checkpoint "1"
    await s.iterate(plugin);
    assert.deepEqual(await plugin.checkpointNames(), ['1']);
    clock.ms = 4500;
    await s.iterate(plugin);
    assert.deepEqual(await plugin.checkpointNames(), ['1', '1.3']);
  });

  it('both options: a save by count also restarts the time interval', async (t) => {
    const clock = fakeClock(t);
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage, { everyIterations: 2, everySeconds: 10 });
    const s = new InsideExperience([plugin]);
    for (const ms of [0, 9000, 12000, 19000]) {
      clock.ms = ms;
      await s.iterate(plugin);
    }
    // Iteration 2 by count at 9 s; iteration 3 at 12 s is 3 s after it (no save); 4 by count again.
    assert.deepEqual(await plugin.checkpointNames(), ['1.2', '1.4']);
  });
});

describe('CheckpointPlugin: end-of-experience saves and names', () => {
  it('afterEval saves nothing during training (a periodic eval) or before any experience is trained', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage);
    const s = new ToyStrategy([plugin]);
    s.clock.trainExpCounter = 2;
    s.isTraining = true;
    await plugin.afterEval(s);
    const noClock = { plugins: [plugin] };
    await plugin.afterEval(noClock);
    assert.deepEqual(await storage.listCheckpoints(), []);
    s.isTraining = false;
    await plugin.afterEval(s);
    assert.deepEqual(await storage.listCheckpoints(), ['2']);
  });

  it('names a strategy without a clock "0", and one inside an experience without an iteration count "<k>.0"', async () => {
    const storage = new MemoryCheckpointStorage();
    const plugin = new CheckpointPlugin(storage);
    assert.equal(await plugin.saveCheckpoint({ plugins: [plugin] }), '0');
    assert.equal(await plugin.saveCheckpoint({ plugins: [plugin], trainingPosition: { experience: 0 } }), '0.0');
    assert.equal(await plugin.saveCheckpoint({ plugins: [plugin], clock: { trainExpCounter: 4 }, trainingPosition: { experience: 4 } }), '4.0');
    assert.equal(await plugin.saveCheckpoint({ plugins: [plugin], clock: { trainExpCounter: 4, trainExpIterations: 7 }, trainingPosition: { experience: 4 } }), '4.7');
    assert.deepEqual((await storage.listCheckpoints()).sort(), ['0', '0.0', '4.0', '4.7']);
  });
});
