import { describe, it } from 'node:test';
import { INVALID_STREAMS } from './invalid-streams.js';
import { container, expectBoth } from './stream-helpers.js';

describe('invalid graph streams: each gives its code, the same from load and from inspect/verify', () => {
  for (const s of INVALID_STREAMS) {
    it(`${s.name} → ${s.code}`, () => {
      expectBoth(container(s.graph, s.sections?.()), s.code, { path: s.path, registry: s.registry?.() });
    });
  }
});
