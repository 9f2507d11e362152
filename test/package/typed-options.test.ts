import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ToyStrategy } from '../checkpoint/toy-strategy.js';
import { openContainer } from '../../src/format/index.js';
import {
  CheckpointError,
  CheckpointPlugin,
  deserialize,
  MemoryCheckpointStorage,
  Registry,
  serialize,
  type DecodeContext,
  type DeserializeOptions,
  type EncodeContext,
  type SerializeOptions,
  type TensorLoadOptions,
  type TensorSaveOptions,
} from '../../src/index.js';

// Type-level checks: the build fails if an option loses its type on the way down.
// @ts-expect-error mapLocation is the tensor layer's MapLocation, not any value
const badMapLocation: DeserializeOptions = { mapLocation: 42 };
// @ts-expect-error deviceTag is the tensor layer's tag, Device or function
const badDeviceTag: SerializeOptions = { deviceTag: 7 };
const loadOptionsAreTensorLoadOptions: TensorLoadOptions = {} as DeserializeOptions;
const saveOptionsAreTensorSaveOptions: TensorSaveOptions = {} as SerializeOptions;
void [badMapLocation, badDeviceTag, loadOptionsAreTensorLoadOptions, saveOptionsAreTensorSaveOptions];

class Point {
  constructor(readonly x: number) {}
}

describe('typed options reach the codecs', () => {
  it('a codec typed by the tensor options reads load() and save() options without a cast', () => {
    const registry = new Registry();
    const seen: { save?: unknown; load?: unknown } = {};
    registry.registerCodec(Point, {
      name: 'test.Point',
      encode: (p: Point, ctx: EncodeContext<TensorSaveOptions>) => {
        seen.save = ctx.options.deviceTag;
        return p.x;
      },
      decode: (x: unknown, ctx: DecodeContext<TensorLoadOptions>) => {
        seen.load = ctx.options.mapLocation;
        return new Point(x as number);
      },
    });
    const bytes = serialize({ p: new Point(3) }, { registry, deviceTag: 'cuda:0' });
    const out = deserialize(bytes, { registry, mapLocation: { 'cuda:0': 'cpu' } }) as { p: Point };
    assert.equal(out.p.x, 3);
    assert.equal(seen.save, 'cuda:0');
    assert.deepEqual(seen.load, { 'cuda:0': 'cpu' });
  });
});

describe('CheckpointPlugin passes every load and save option on', () => {
  const nested = () => {
    const strategy = new ToyStrategy();
    strategy.weights = [[[[1]]]] as never;
    strategy.clock.trainExpCounter = 1;
    return strategy;
  };

  it('save: maxDepth and metadata reach the writer', async () => {
    const storage = new MemoryCheckpointStorage();
    await assert.rejects(new CheckpointPlugin(storage, { maxDepth: 3 }).saveCheckpoint(nested()), (e: CheckpointError) => e.code === 'DEPTH_LIMIT');
    await new CheckpointPlugin(storage, { metadata: { run: 'r1' } }).saveCheckpoint(nested());
    const bytes = await storage.loadCheckpoint('1');
    assert.equal(openContainer(bytes).header.metadata.run, 'r1');
  });

  it('load: maxDepth and registry reach the reader', async () => {
    process.env.REPRISE_QUIET = '1';
    const storage = new MemoryCheckpointStorage();
    await new CheckpointPlugin(storage).saveCheckpoint(nested());
    await assert.rejects(new CheckpointPlugin(storage, { maxDepth: 3 }).loadCheckpointIfExists(), (e: CheckpointError) => e.code === 'DEPTH_LIMIT');
    await assert.rejects(new CheckpointPlugin(storage, { registry: new Registry() }).loadCheckpointIfExists(), (e: CheckpointError) => e.code === 'UNKNOWN_CLASS');
    const [loaded] = await new CheckpointPlugin(storage).loadCheckpointIfExists<ToyStrategy>();
    assert.deepEqual(loaded?.weights, [[[[1]]]]);
  });
});
