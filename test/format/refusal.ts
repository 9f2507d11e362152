import assert from 'node:assert/strict';
import { CheckpointFormatError } from '../../src/errors.js';

/** The code and byte offset of the `CheckpointFormatError` that `fn` throws; fails the test when it throws none. */
export function refusal(fn: () => unknown, what: string): { code: string; offset: number | undefined } {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof CheckpointFormatError, `expected a CheckpointFormatError, got ${String(err)}`);
    return { code: err.code, offset: err.offset };
  }
  return assert.fail(`expected the ${what} to be refused`);
}
