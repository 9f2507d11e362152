import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CheckpointError, CheckpointFormatError, DeviceMappingError } from '../../src/errors.js';
import { Device, resolveDevice, type MapLocation } from '../../src/tensor/index.js';

const info = { dtype: 'float32', shape: [2, 3] };
const code = (c: string, path = '') => (err: unknown) => err instanceof CheckpointError && err.code === c && err.path === path;

test('no mapLocation keeps a servable tag', () => {
  assert.equal(resolveDevice('cpu', undefined, info).toString(), 'cpu');
});

test('no mapLocation refuses cuda:0 here with DEVICE_MAPPING naming the tag and the path', () => {
  assert.throws(
    () => resolveDevice('cuda:0', undefined, info, '.model.kernel'),
    (err: unknown) =>
      err instanceof DeviceMappingError && err.code === 'DEVICE_MAPPING' && err.tag === 'cuda:0' && err.path === '.model.kernel' && /mapLocation/.test(err.message),
  );
});

test('a string or Device mapLocation sends every accelerator tag there', () => {
  for (const map of ['cpu', new Device('cpu')] as MapLocation[]) {
    assert.equal(resolveDevice('cuda:0', map, info).toString(), 'cpu');
    assert.equal(resolveDevice('cuda:3', map, null).toString(), 'cpu');
    assert.equal(resolveDevice('cpu', map, info).toString(), 'cpu');
  }
});

test('a string mapLocation never moves cpu tensors to an accelerator (the original rule: CPU to CUDA is not done)', () => {
  assert.equal(resolveDevice('cpu', 'cuda:1', info).toString(), 'cpu');
  // cuda:0 -> cuda:1 is a mapping; it is refused here only because this machine has no cuda:1
  assert.throws(() => resolveDevice('cuda:0', 'cuda:1', info), code('DEVICE_MAPPING'));
});

test('a record maps the exact tag, then the bare type, and leaves other tags alone', () => {
  assert.equal(resolveDevice('cuda:0', { 'cuda:0': 'cpu' }, info).toString(), 'cpu');
  assert.equal(resolveDevice('cuda:5', { cuda: new Device('cpu') }, info).toString(), 'cpu');
  assert.equal(resolveDevice('cpu', { 'cuda:0': 'cpu' }, info).toString(), 'cpu');
  assert.throws(() => resolveDevice('cuda:1', { 'cuda:0': 'cpu' }, info), code('DEVICE_MAPPING'));
  // an explicit record may ask for cpu -> cuda; this machine cannot serve it
  assert.throws(() => resolveDevice('cpu', { cpu: 'cuda:0' }, info), code('DEVICE_MAPPING'));
});

test('a record ignores inherited keys', () => {
  assert.throws(() => resolveDevice('cuda:0', Object.create({ 'cuda:0': 'cpu' }), info), code('DEVICE_MAPPING'));
});

test('a function gets the tensor info (null for a Device) and the tag', () => {
  const calls: unknown[] = [];
  const fn = (i: unknown, tag: string) => (calls.push([i, tag]), tag.startsWith('cuda') ? 'cpu' : new Device(tag));
  assert.equal(resolveDevice('cuda:2', fn, { ...info, name: 'w' }).toString(), 'cpu');
  assert.equal(resolveDevice('cpu', fn, null).toString(), 'cpu');
  assert.deepEqual(calls, [[{ ...info, name: 'w' }, 'cuda:2'], [null, 'cpu']]);
});

test('a function returning an unservable device is a DEVICE_MAPPING error', () => {
  assert.throws(() => resolveDevice('cpu', () => 'cuda:0', info, '.x'), code('DEVICE_MAPPING', '.x'));
});

test('bad mappings and bad tags have their own codes', () => {
  assert.throws(() => resolveDevice('cuda:0', 'gpu 0', info), code('BAD_DEVICE'));
  assert.throws(() => resolveDevice('cuda:0', { 'cuda:0': 'nope!' }, info), code('BAD_DEVICE'));
  assert.throws(() => resolveDevice('cuda:0', () => 7 as never, info), code('BAD_DEVICE'));
  assert.throws(() => resolveDevice('cuda:0', 7 as never, info), code('BAD_MAP_LOCATION'));
  assert.throws(
    () => resolveDevice('cuda:0', () => {
      throw new Error('boom');
    }, info, '.y'),
    code('MAP_LOCATION_FAILED', '.y'),
  );
  assert.throws(() => resolveDevice('not a tag', 'cpu', info, '.z'), (e: unknown) => e instanceof CheckpointFormatError && e.code === 'BAD_DEVICE' && e.path === '.z');
});

test('a null mapLocation is no mapping, like undefined', () => {
  assert.equal(resolveDevice('cpu', null as never, info).toString(), 'cpu');
  assert.throws(() => resolveDevice('cuda:0', null as never, info, '.w'), code('DEVICE_MAPPING', '.w'));
});

test("a mapping function's own CheckpointError passes through with its code; any other error becomes MAP_LOCATION_FAILED", () => {
  const refusing = () => new Device('not a tag').toString();
  assert.throws(() => resolveDevice('cuda:0', refusing, info, '.y'), (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_DEVICE');
});

test('a record holding both the exact tag and its bare type takes the exact tag', () => {
  assert.equal(resolveDevice('cuda:0', { cuda: 'cuda:9', 'cuda:0': 'cpu' }, info).toString(), 'cpu');
  assert.throws(() => resolveDevice('cuda:1', { cuda: 'cuda:9', 'cuda:0': 'cpu' }, info), code('DEVICE_MAPPING'));
});

test('only a tag without an index stands for "the current device of that type": cpu:1 and a bare unknown type are not servable', () => {
  assert.throws(() => resolveDevice('cpu:1', undefined, info), code('DEVICE_MAPPING'));
  assert.throws(() => resolveDevice('mps', undefined, info), code('DEVICE_MAPPING'));
  assert.throws(() => resolveDevice('cuda:0', 'cpu:0', info), code('DEVICE_MAPPING'));
});

test('a bad mapping carries the graph path, and a tag that does not parse its parse error as the cause', () => {
  assert.throws(
    () => resolveDevice('cuda:0', 'gpu 0', info, '.p'),
    (e: unknown) => e instanceof CheckpointError && e.code === 'BAD_DEVICE' && e.path === '.p' && e.cause instanceof CheckpointError && e.cause.code === 'BAD_DEVICE',
  );
  assert.throws(() => resolveDevice('cuda:0', () => 7 as never, info, '.r'), code('BAD_DEVICE', '.r'));
  assert.throws(() => resolveDevice('cuda:0', 7 as never, info, '.q'), code('BAD_MAP_LOCATION', '.q'));
});

test('on a GPU build (a stand-in backend named "tensorflow"), cuda:0 and the bare cuda are served; cuda:1 and cpu:0 are not', async () => {
  const tf = await import('@tensorflow/tfjs-core');
  const { setNativeGpuBuild } = await import('../../src/tensor/backend.js');
  assert.ok(!tf.findBackend('tensorflow'), 'this test stands in for the native backend; it is not installed here');
  const previous = tf.getBackend();
  tf.registerBackend('tensorflow', () => ({ dispose() {} }) as never);
  try {
    assert.ok(await tf.setBackend('tensorflow'));
    setNativeGpuBuild(true);
    assert.equal(resolveDevice('cuda:0', undefined, info).toString(), 'cuda:0');
    assert.equal(resolveDevice('cuda', undefined, info).toString(), 'cuda', 'a bare type is the current device of that type');
    assert.equal(resolveDevice('cpu', undefined, info).toString(), 'cpu');
    assert.equal(resolveDevice('cuda:1', { 'cuda:1': 'cuda' }, info).toString(), 'cuda');
    assert.throws(() => resolveDevice('cuda:1', undefined, info), code('DEVICE_MAPPING'));
    assert.throws(() => resolveDevice('cpu:0', undefined, info), code('DEVICE_MAPPING'));
    assert.throws(() => resolveDevice('mps', undefined, info), code('DEVICE_MAPPING'));
  } finally {
    setNativeGpuBuild(false);
    if (previous) await tf.setBackend(previous);
    tf.removeBackend('tensorflow');
  }
});
