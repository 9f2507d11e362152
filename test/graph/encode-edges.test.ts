/**
 * What the encoder decides that no round trip shows: fields a caller excludes, where an
 * ArrayBuffer goes (inline or its own section) at the threshold, views it refuses, and the
 * path steps it names inside codec values and errors.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { concatChunks, packContainer } from '../../src/format/index.js';
import { encodeGraph, Tag } from '../../src/graph/index.js';
import { Registry, serializable } from '../../src/registry/index.js';
import { ARRAY_BUFFER_SECTION_THRESHOLD } from '../../src/graph/tags.js';
import { fromBytes, toBytes } from '../helpers/graph-round-trip.js';

function saveError(value: unknown, registry = new Registry()): { code: string; path: string } {
  try {
    encodeGraph(value, { registry });
  } catch (err) {
    assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
    return { code: err.code, path: err.path };
  }
  return assert.fail('expected the save to fail');
}

describe('the encoder', () => {
  it('leaves out the fields excludeFields names for one object, and only for it', () => {
    const registry = new Registry();
    @serializable({ registry, name: 'test.edges.Run' })
    class Run {
      kept = 1;
      cache: unknown = [1, 2, 3];
    }
    const [a, b] = [new Run(), new Run()];
    const { graph, sections } = encodeGraph([a, b], { registry, excludeFields: new Map([[a, new Set(['cache'])]]) });
    const out = fromBytes(concatChunks(packContainer({ graph, sections, writer: 'test', backend: '' })), { registry }).value as Run[];
    assert.deepEqual(out.map((r) => Object.keys(r)), [['kept'], ['kept', 'cache']]);
  });

  it(`stores an ArrayBuffer of ${ARRAY_BUFFER_SECTION_THRESHOLD} bytes or more in its own section, a smaller one inline`, () => {
    const registry = new Registry();
    const at = encodeGraph(new ArrayBuffer(ARRAY_BUFFER_SECTION_THRESHOLD), { registry });
    assert.deepEqual([at.graph[0], at.sections.length], [Tag.ARRAY_BUFFER_SECTION, 1]);
    const below = encodeGraph(new ArrayBuffer(ARRAY_BUFFER_SECTION_THRESHOLD - 1), { registry });
    assert.deepEqual([below.graph[0], below.sections.length], [Tag.ARRAY_BUFFER, 0]);
  });

  it('refuses a typed array or DataView over a SharedArrayBuffer, at its path', () => {
    const shared = new SharedArrayBuffer(8);
    assert.deepEqual(saveError({ v: [new Int32Array(shared)] }), { code: 'UNSUPPORTED_VALUE', path: '.v[0]' });
    assert.deepEqual(saveError({ d: new DataView(shared) }), { code: 'UNSUPPORTED_VALUE', path: '.d' });
  });

  it("names a codec's value <name> on the path of what fails inside it", () => {
    const registry = new Registry();
    class Wrapped {}
    registry.registerCodec(Wrapped, { name: 'test.edges.Wrapped', encode: () => ({ ok: 1, bad: Symbol('x') }), decode: () => new Wrapped() });
    assert.deepEqual(saveError({ w: new Wrapped() }, registry), { code: 'UNSUPPORTED_VALUE', path: '.w.<test.edges.Wrapped>.bad' });
  });

  it("stores an Error's stack only when it is a string", () => {
    const err = new Error('failed');
    Object.defineProperty(err, 'stack', { value: { not: 'a string' } });
    const out = fromBytes(toBytes({ err }, new Registry()), { registry: new Registry() }).value as { err: Error };
    assert.equal(out.err.message, 'failed');
    assert.notDeepEqual(out.err.stack, { not: 'a string' });
  });
});
