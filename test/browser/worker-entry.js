// Bundled as a module worker by test/browser/in-chromium.test.ts: the same engine in a web worker.
import * as tf from '@tensorflow/tfjs';
import { serialize, deserialize, initBackend, IndexedDBCheckpointStorage, save, load } from 'reprise';

self.onmessage = async () => {
  try {
    await initBackend({ preferred: 'cpu' });
    tf.disposeVariables();
    const bytes = serialize({ t: tf.tensor2d([[1, 2.5], [-3, 4]]), step: 11, hasBuffer: typeof Buffer !== 'undefined', hasProcess: typeof process !== 'undefined' });
    const storage = new IndexedDBCheckpointStorage({ database: 'reprise-worker', prefix: 'w/' });
    await storage.storeCheckpoint('11', [bytes]);
    const back = deserialize(await storage.loadCheckpoint('11'));
    // The Origin Private File System from a worker, through the opfs:// scheme.
    await save({ step: 12 }, 'opfs://reprise-worker/12.reprise');
    const opfsStep = (await load('opfs://reprise-worker/12.reprise')).step;
    self.postMessage({ bytes: Array.from(bytes), t: Array.from(await back.t.data()), step: back.step, hasBuffer: back.hasBuffer, hasProcess: back.hasProcess, opfsStep });
  } catch (e) {
    self.postMessage({ error: String(e?.stack ?? e) });
  }
};
