import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeGraph } from '../../src/graph/index.js';
import { Registry } from '../../src/registry/index.js';

/**
 * Encodes `items` with a codec that stores each item's bytes in a section keyed by its
 * `key` (the tensor codecs key by data identity); returns the section index each
 * `addSection` gave and the stored bytes.
 */
function encodeBlobs(items: { bytes: number[]; key?: unknown }[]): { indexes: number[]; stored: number[][] } {
  const registry = new Registry();
  class Blob {
    constructor(readonly item: { bytes: number[]; key?: unknown }) {}
  }
  const indexes: number[] = [];
  registry.registerCodec(Blob, {
    name: 'test.Blob',
    encode: (b: Blob, ctx) => indexes.push(ctx.addSection({ kind: 'bytes', data: Uint8Array.from(b.item.bytes), dedupKey: b.item.key })),
    decode: () => null,
  });
  const { sections } = encodeGraph(items.map((i) => new Blob(i)), { registry });
  assert.ok(sections.every((s) => !('dedupKey' in s)), 'the key is not part of the stored payload');
  return { indexes, stored: sections.map((s) => [...(s.data as Uint8Array)]) };
}

describe('sections that codecs add while encoding', () => {
  it('a second section with the same de-duplication key is the first one, stored once', () => {
    const key = {};
    assert.deepEqual(encodeBlobs([{ bytes: [1], key }, { bytes: [2], key }, { bytes: [3], key: {} }]), {
      indexes: [1, 1, 2],
      stored: [[1], [3]],
    });
  });

  it('sections without a key are each stored, in order, numbered from 1 (0 is the graph)', () => {
    assert.deepEqual(encodeBlobs([{ bytes: [7] }, { bytes: [7] }, { bytes: [8] }]), {
      indexes: [1, 2, 3],
      stored: [[7], [7], [8]],
    });
  });
});
