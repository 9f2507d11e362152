import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError } from '../../src/errors.js';
import { Device } from '../../src/tensor/index.js';

test('Device parses and prints type and index', () => {
  for (const [spec, type, index] of [
    ['cpu', 'cpu', null],
    ['cuda:0', 'cuda', 0],
    ['cuda:12', 'cuda', 12],
    ['mps', 'mps', null],
    ['xla_gpu:3', 'xla_gpu', 3],
  ] as const) {
    const d = new Device(spec);
    assert.equal(d.type, type);
    assert.equal(d.index, index);
    assert.equal(d.toString(), spec);
    assert.equal(JSON.stringify({ d }), `{"d":"${spec}"}`);
  }
});

test('Device.parse returns a Device as it is and copies through the constructor', () => {
  const d = new Device('cuda:1');
  assert.equal(Device.parse(d), d);
  const copy = new Device(d);
  assert.notEqual(copy, d);
  assert.ok(copy.equals(d));
  assert.ok(d.equals('cuda:1'));
  assert.ok(!d.equals('cuda:0'));
  assert.ok(!new Device('cuda').equals('cuda:0'));
});

test('Device refuses what is not a tag with BAD_DEVICE', () => {
  for (const bad of ['', 'CUDA:0', 'cuda:', 'cuda:-1', 'cuda:0:1', ' cpu', 'cuda:12345', '0', 42, null, undefined, {}]) {
    assert.throws(
      () => new Device(bad as never),
      (err: unknown) => err instanceof CheckpointError && err.code === 'BAD_DEVICE',
      `accepted ${JSON.stringify(bad)}`,
    );
  }
});
