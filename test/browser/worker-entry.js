// Bundled as a module worker by test/browser/in-chromium.test.ts: the same engine in a web worker.
import * as tf from '@tensorflow/tfjs';
import { serialize, deserialize, initBackend, IndexedDBCheckpointStorage } from 'reprise';

self.onmessage = async () => {
  try {
    await initBackend({ preferred: 'cpu' });
    tf.disposeVariables();
    const bytes = serialize({ t: tf.tensor2d([[1, 2.5], [-3, 4]]), step: 11, hasBuffer: typeof Buffer !== 'undefined', hasProcess: typeof process !== 'undefined' });
    const storage = new IndexedDBCheckpointStorage({ database: 'reprise-worker', prefix: 'w/' });
    await storage.storeCheckpoint('11', [bytes]);
    const back = deserialize(await storage.loadCheckpoint('11'));
    self.postMessage({ bytes: Array.from(bytes), t: Array.from(await back.t.data()), step: back.step, hasBuffer: back.hasBuffer, hasProcess: back.hasProcess });
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
