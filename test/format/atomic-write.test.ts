import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { load } from '../../src/checkpoint/index.js';

const saver = fileURLToPath(new URL('../fixtures/save-forever.js', import.meta.url));

/** Starts the saver, waits until it has saved `afterRounds` times, then SIGKILLs it `delayMs` later. */
function killDuringSaves(file: string, afterRounds: number, delayMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [saver, file], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, REPRISE_QUIET: '1' } });
    let last = -1;
    let armed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      const rounds = chunk.toString().trim().split('\n').map(Number);
      last = rounds[rounds.length - 1]!;
      if (!armed && last + 1 >= afterRounds) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.on('error', reject);
    child.on('exit', () => resolve(last));
  });
}

describe('atomic saves', () => {
  it('a process killed at random moments while saving always leaves a loadable checkpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-kill-'));
    const file = path.join(dir, 'state.reprise');
    const delays = [0, 1, 3, 7, 12, 20];
    for (const delay of delays) {
      const lastReported = await killDuringSaves(file, 2, delay);
      const value = (await load(file)) as { round: number; payload: Float64Array };
      assert.ok(value.round >= lastReported, `file holds round ${value.round}, the saver had reported ${lastReported}`);
      assert.ok(value.payload.every((x) => x === value.round), 'the payload is all from one save');
    }
    const leftovers = fs.readdirSync(dir).filter((f) => f !== 'state.reprise');
    assert.ok(leftovers.every((f) => f.startsWith('.state.reprise.') && f.endsWith('.tmp')), `only temporary files may be left: ${leftovers}`);
  });
});
