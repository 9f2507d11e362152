import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { inspectBytes } from '../../src/cli/inspect.js';
import { maybeLoadCheckpoint, saveCheckpoint } from '../../src/checkpoint/index.js';
import { EWCPlugin, Naive, ReplayPlugin, RNGManager } from '../../src/cl/index.js';
import { DeviceMappingError } from '../../src/errors.js';
import { serializable } from '../../src/registry/index.js';
import { Device, type MapLocation } from '../../src/tensor/index.js';
import { setupBackend, smallBenchmark, smallModel } from '../cl/helpers.js';
import { reachable } from './graph-walk.js';

/** A plugin that keeps its own device, as the original's plugins often do. */
@serializable({ name: 'test.DevicePlugin' })
class DevicePlugin {
  constructor(public device: Device) {}
  beforeTraining(): void {}
}

function strategyOn(device: string) {
  return new Naive({
    model: smallModel(),
    optimizer: tf.train.adam(0.01),
    trainMbSize: 16,
    evalMbSize: 100,
    device,
    plugins: [new ReplayPlugin({ memSize: 20 }), new EWCPlugin({ lambda: 1 }), new DevicePlugin(new Device(device))],
  });
}

function devicesIn(root: unknown): string[] {
  return [...reachable(root)].filter((o): o is Device => o instanceof Device).map((d) => d.toString());
}

describe('a CUDA checkpoint loaded on a CPU machine', () => {
  it('loads through mapLocation, with strategy.device and every plugin device now cpu', async () => {
    await setupBackend();
    RNGManager.setRandomSeeds(5);
    const benchmark = smallBenchmark();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cuda-')), 'run.reprise');
    const onGpu = strategyOn('cuda:0');
    await onGpu.train(benchmark.trainStream[0]!);
    await saveCheckpoint(onGpu, file, { deviceTag: 'cuda:0' });
    // Verifying refuses the file as loading does, unless given the same mapLocation.
    assert.throws(() => inspectBytes(fs.readFileSync(file)), (e: unknown) => e instanceof DeviceMappingError && e.tag === 'cuda:0');
    const tensors = inspectBytes(fs.readFileSync(file), { mapLocation: 'cpu' }).sections.filter((s) => s.kind === 'tensor');
    assert.ok(tensors.length > 4 && tensors.every((s) => s.device === 'cuda:0'), 'every tensor is tagged cuda:0');

    const untouched = strategyOn('cpu');
    await assert.rejects(maybeLoadCheckpoint(untouched, file, { uniqueObjects: benchmark }), (e: unknown) => e instanceof DeviceMappingError && e.tag === 'cuda:0');
    assert.equal(untouched.clock.trainExpCounter, 0, 'a refused load changes nothing');

    const mappings: MapLocation[] = ['cpu', new Device('cpu'), { 'cuda:0': 'cpu' }, { cuda: 'cpu' }, (_info, tag) => (tag.startsWith('cuda') ? 'cpu' : tag)];
    for (const mapLocation of mappings) {
      const fresh = strategyOn('cpu');
      await maybeLoadCheckpoint(fresh, file, { mapLocation, uniqueObjects: benchmark });
      assert.equal(fresh.clock.trainExpCounter, 1);
      assert.equal(fresh.device.toString(), 'cpu');
      const plugin = fresh.plugins.find((p) => p instanceof DevicePlugin) as DevicePlugin;
      assert.equal(plugin.device.toString(), 'cpu');
      assert.deepEqual([...new Set(devicesIn(fresh))], ['cpu'], 'every Device in the restored graph');
      const weights = (fresh.model as unknown as { features: tf.LayersModel }).features.getWeights();
      assert.ok(weights.length > 0 && weights.every((w) => !w.isDisposed));
    }
  });

  it('a cuda:1 checkpoint is refused when the mapping only covers cuda:0, naming the tag', async () => {
    await setupBackend();
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-cuda-')), 'run.reprise');
    const s = strategyOn('cuda:1');
    await saveCheckpoint(s, file, { deviceTag: 'cuda:1' });
    await assert.rejects(maybeLoadCheckpoint(strategyOn('cpu'), file, { mapLocation: { 'cuda:0': 'cpu' } }), (e: unknown) => e instanceof DeviceMappingError && e.tag === 'cuda:1');
    const fresh = strategyOn('cpu');
    await maybeLoadCheckpoint(fresh, file, { mapLocation: { 'cuda:1': 'cpu' } });
    assert.equal(fresh.device.toString(), 'cpu');
  });
});
