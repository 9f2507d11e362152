import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ROUND_TRIP_FIXTURES } from './fixtures.js';
import { deepFreeze, roundTrip, toBytes } from '../helpers/graph-round-trip.js';

describe('graph round trip', () => {
  for (const fixture of ROUND_TRIP_FIXTURES) {
    it(fixture.name, () => {
      const input = fixture.value();
      const output = roundTrip(input);
      if (!fixture.noDeepEqual) assert.deepStrictEqual(output, input);
      fixture.validate?.(output, input);
    });
  }
});

describe('graph determinism', () => {
  for (const fixture of ROUND_TRIP_FIXTURES) {
    it(`same graph gives the same bytes: ${fixture.name}`, () => {
      const value = fixture.value();
      assert.deepEqual(toBytes(value), toBytes(value));
      if (fixture.name !== 'Errors') assert.deepEqual(toBytes(fixture.value()), toBytes(value), 'an equal graph built again');
    });
  }

  it('does not mutate its input (deep-frozen values serialize)', () => {
    for (const fixture of ROUND_TRIP_FIXTURES) {
      const input = fixture.value();
      const frozen = deepFreeze(input);
      const out = roundTrip(frozen);
      if (!fixture.noDeepEqual) assert.deepStrictEqual(out, fixture.value(), fixture.name);
    }
  });
});
