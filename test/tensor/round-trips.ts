/** The two ways the tensor tests push a value through save and load: the in-memory fake graph, and the real checkpoint bytes. */
import { deserialize, serialize } from '../../src/checkpoint/index.js';
import { fakeRoundTrip } from './fake-context.js';

export type RoundTrip = <T>(value: T, save?: Record<string, unknown>, load?: Record<string, unknown>) => T;

export const ROUND_TRIPS: readonly [string, RoundTrip][] = [
  ['fake context', (value, save, load) => fakeRoundTrip(value, { save, load })],
  ['serialize/deserialize', (value, save = {}, load = {}) => deserialize(serialize(value, save), load) as typeof value],
];
