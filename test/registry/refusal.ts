import assert from 'node:assert/strict';
import { RegistrationError } from '../../src/errors.js';

/** The RegistrationError `fn` throws, checked for its class and code. */
export function refusal(fn: () => unknown): RegistrationError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof RegistrationError, `expected a RegistrationError, got ${String(err)}`);
    assert.equal(err.code, 'REGISTRATION');
    return err;
  }
  assert.fail('expected a RegistrationError, nothing was thrown');
}
