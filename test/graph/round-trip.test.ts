import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGraph } from '../../src/graph/index.js';
import { Registry } from '../../src/registry/index.js';
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

describe('golden bytes of the graph stream', () => {
  for (const fixture of ROUND_TRIP_FIXTURES) {
    if (fixture.graph === undefined) continue;
    it(fixture.name, () => {
      const { graph } = encodeGraph(fixture.value(), { registry: new Registry() });
      assert.equal(Buffer.from(graph).toString('hex'), fixture.graph);
    });
  }

  it('long string: STRING, varint 100,002, then the UTF-8 bytes', () => {
    const { graph } = encodeGraph('x'.repeat(100_000) + 'é', { registry: new Registry() });
    assert.equal(Buffer.from(graph.subarray(0, 6)).toString('hex'), '06a28d067878');
    assert.equal(Buffer.from(graph.subarray(-3)).toString('hex'), '78c3a9');
  });
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
