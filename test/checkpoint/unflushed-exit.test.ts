import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { describe, it } from 'node:test';

const engine = new URL('../../src/index.js', import.meta.url).href;

/**
 * A Node process whose CheckpointPlugin writes in the background to a storage that
 * refuses every store, then reaches its natural end with or without `flush()`.
 */
function runToEnd(flush: boolean): { status: number | null; stderr: string } {
  const code = `
    const { CheckpointPlugin } = await import(${JSON.stringify(engine)});
    const storage = {
      listCheckpoints: async () => [],
      loadCheckpoint: async () => { throw new Error('nothing stored'); },
      storeCheckpoint: async () => { throw new Error('disk full'); },
    };
    const plugin = new CheckpointPlugin(storage, { writeInBackground: true });
    await plugin.saveCheckpoint({ clock: { trainExpCounter: 1 } });
    ${flush ? 'await plugin.flush().catch(() => {});' : ''}
  `;
  const run = spawnSync(process.execPath, ['--no-warnings', '--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, REPRISE_QUIET: '1' } });
  return { status: run.status, stderr: run.stderr };
}

describe('a background write that failed and was never flushed', () => {
  it('fails the process at its natural exit (code 1, the checkpoint named on stderr); flush() clears it', () => {
    const unflushed = runToEnd(false);
    assert.equal(unflushed.status, 1, unflushed.stderr);
    assert.ok(unflushed.stderr.includes('checkpoint "1" was never written (disk full)'), unflushed.stderr);
    const flushed = runToEnd(true);
    assert.equal(flushed.status, 0, flushed.stderr);
    assert.equal(flushed.stderr, '');
  });
});
