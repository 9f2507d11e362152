/** The two ways the tensor tests push a value through save and load: the in-memory fake graph, and the real checkpoint bytes. */
import { deserialize, serialize } from '../../src/checkpoint/index.js';
import { fakeLoad, fakeSave } from './fake-context.js';

type Options = Record<string, unknown>;

export interface Via {
  name: string;
  /** Saves now; the returned function loads (as often as called). */
  save(value: unknown, options?: Options): (options?: Options) => unknown;
  roundTrip<T>(value: T, save?: Options, load?: Options): T;
}

function via(name: string, save: Via['save']): Via {
  return { name, save, roundTrip: <T>(value: T, s?: Options, l?: Options) => save(value, s)(l) as T };
}

export const VIAS: readonly Via[] = [
  via('fake context', (value, options) => {
    const file = fakeSave(value, { options });
    return (load) => fakeLoad(file, { options: load });
  }),
  via('serialize/deserialize', (value, options) => {
    const bytes = serialize(value, options);
    return (load) => deserialize(bytes, load);
  }),
];

/** `[name, roundTrip]` pairs, for tests that save and load at once. */
export const ROUND_TRIPS: readonly [string, Via['roundTrip']][] = VIAS.map((v) => [v.name, v.roundTrip]);
