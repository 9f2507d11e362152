/** StoredWeightSupply on its own: what it does to tfjs-layers while a model builds, and after. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { StoredWeightSupply } from '../../src/tensor/stored-weights.js';
import { layers, loadTfjsLayers } from '../../src/tensor/tfjs-layers-lazy-node.js';
import './setup.js';

loadTfjsLayers(); // what the model codecs do before they build

const fail = (what: string) => new CheckpointError('BAD_MODEL', what);

test('build does not nest (it patches Layer.prototype.addWeight) and restores the prototype whether fn returns or throws', () => {
  const proto = (layers as { Layer: { prototype: { addWeight: unknown } } }).Layer.prototype;
  const original = proto.addWeight;
  const supply = new StoredWeightSupply([], {} as never, fail);
  const other = new StoredWeightSupply([], {} as never, fail);
  assert.equal(supply.build(() => (assert.notEqual(proto.addWeight, original), 7)), 7);
  assert.equal(proto.addWeight, original);
  assert.throws(
    () => supply.build(() => other.build(() => 1)),
    (err: unknown) => err instanceof Error && !(err instanceof CheckpointError),
  );
  assert.equal(proto.addWeight, original);
  assert.equal(other.build(() => 2), 2, 'a later build runs');
  assert.equal(proto.addWeight, original);
});
