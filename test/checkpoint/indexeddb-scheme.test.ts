import 'fake-indexeddb/auto';
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { IndexedDBCheckpointStorage, load, registeredStorageSchemes, resolveStorage, save } from '../../src/checkpoint/index.js';

it('indexeddb://database/prefix names IndexedDB storage for save, load and run storages', async () => {
  assert.ok(registeredStorageSchemes().includes('indexeddb'));
  await save({ step: 4, w: new Float32Array([1, 2]) }, 'indexeddb://scheme-db/runs/a/step4');
  assert.deepEqual(await load('indexeddb://scheme-db/runs/a/step4'), { step: 4, w: new Float32Array([1, 2]) });
  const storage = resolveStorage('indexeddb://scheme-db/runs/a');
  assert.ok(storage instanceof IndexedDBCheckpointStorage);
  assert.equal(storage.database, 'scheme-db');
  assert.equal(storage.prefix, 'runs/a/');
  assert.deepEqual(await storage.listCheckpoints(), ['step4']);
  await storage.close();
});
