// Bundled for the browser by test/browser/in-chromium.test.ts (esbuild, platform browser, no shims).
import * as tf from '@tensorflow/tfjs';
import { serialize, deserialize, initBackend, serializable, IndexedDBCheckpointStorage, save, load, FileSystemCheckpointStorage, S3CheckpointStorage, writeAtomically, OPFSCheckpointStorage } from 'reprise';

class Counter {
  constructor(n) {
    this.n = n;
    this.seen = ['a', 'b'];
  }
}
serializable({ name: 'test.Counter' })(Counter);

/** The same value as sampleValue() in the test, built in the page. */
/** The error code `f` fails with, or 'no error'. */
async function codeOf(f) {
  try {
    await f();
    return 'no error';
  } catch (e) {
    return e.code ?? String(e);
  }
}

function sampleValue() {
  tf.disposeVariables();
  const shared = { tag: 'shared' };
  return {
    t: tf.tensor2d([[1, 2.5], [-3, 4]]),
    i: tf.tensor1d([1, 2, 3], 'int32'),
    v: tf.variable(tf.tensor1d([0.5, 0.25]), true, 'w'),
    counter: new Counter(7),
    built: { map: new Map([[1, 'x\u00e9']]), set: new Set([2n ** 70n]), date: new Date(0), re: /a+b/g, bytes: new Uint8Array([1, 2, 3]) },
    a: shared,
    b: shared,
  };
}

window.reprise = {
  async init() {
    return initBackend({ preferred: 'cpu' });
  },
  sampleBytes() {
    return Array.from(serialize(sampleValue()));
  },
  /** Starts `backend` through reprise's browser backend selection: its name, or why it could not. */
  async useBackend(backend) {
    try {
      return { backend: await initBackend({ preferred: backend }), now: tf.getBackend() };
    } catch (e) {
      return { error: `${e.code}: ${e.message}` };
    }
  },
  async loadBytes(bytes) {
    tf.disposeVariables();
    const warnings = [];
    const original = console.warn;
    console.warn = (...args) => {
      warnings.push(args.join(' '));
      original(...args);
    };
    try {
      const value = deserialize(new Uint8Array(bytes));
      return {
        warnings,
        t: Array.from(await value.t.data()),
        tShape: value.t.shape,
        i: Array.from(await value.i.data()),
        v: Array.from(await value.v.data()),
        counter: value.counter instanceof Counter ? value.counter.n : null,
        shared: value.a === value.b,
        big: [...value.built.set][0] === 2n ** 70n,
        backend: tf.getBackend(),
      };
    } finally {
      console.warn = original;
    }
  },
};
/** The IndexedDB storage against the browser's own IndexedDB: what the contract asks, as data for the test to check. */
window.reprise.indexedDBContract = async function () {
  const out = {};
  const s = new IndexedDBCheckpointStorage({ database: 'reprise-test', prefix: 'run/', recordSize: 1 << 20 });
  const other = new IndexedDBCheckpointStorage({ database: 'reprise-test', prefix: 'run2/' });
  const big = new Uint8Array(5 * (1 << 20) + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  await s.storeCheckpoint('1', [big.subarray(0, 777), big.subarray(777)]);
  const back = await s.loadCheckpoint('1');
  out.bigSame = back.length === big.length && back.every((b, i) => b === big[i]);
  await s.storeCheckpoint('1', [new Uint8Array([9, 8, 7])]);
  out.replaced = Array.from(await s.loadCheckpoint('1'));
  await s.storeCheckpoint('2', [serialize({ t: tf.tensor1d([1, 2, 3]), step: 2 })]);
  await other.storeCheckpoint('1', [new Uint8Array([1])]);
  out.list = (await s.listCheckpoints()).sort();
  out.otherList = await other.listCheckpoints();
  const loaded = deserialize(await s.loadCheckpoint('2'));
  out.tensor = Array.from(await loaded.t.data());
  out.step = loaded.step;
  await s.deleteCheckpoint('1');
  await s.deleteCheckpoint('missing');
  out.afterDelete = await s.listCheckpoints();
  out.exists = [await s.checkpointExists('1'), await s.checkpointExists('2')];
  out.notFound = await codeOf(() => s.loadCheckpoint('1'));
  // A fresh connection (as after a reload) sees what was committed.
  await s.close();
  const again = new IndexedDBCheckpointStorage({ database: 'reprise-test', prefix: 'run/' });
  out.reopened = (await again.listCheckpoints()).sort();
  await again.close();
  await other.close();
  // The scheme: save/load by URL.
  await save({ t: tf.tensor1d([4, 5]), step: 9 }, 'indexeddb://reprise-test/scheme/9');
  const byUrl = await load('indexeddb://reprise-test/scheme/9');
  out.byUrl = [Array.from(await byUrl.t.data()), byUrl.step];
  out.fileSave = await codeOf(() => save({ a: 1 }, '/tmp/file.reprise'));
  return out;
};
/** OPFSCheckpointStorage against the browser's own Origin Private File System. */
window.reprise.opfsContract = async function () {
  const out = {};
  const s = new OPFSCheckpointStorage({ directory: 'reprise-test/run' });
  const big = new Uint8Array(5 * (1 << 20) + 12345);
  for (let i = 0; i < big.length; i++) big[i] = (i * 2654435761) >>> 24;
  await s.storeCheckpoint('1', [big.subarray(0, 777), big.subarray(777)]);
  const back = await s.loadCheckpoint('1');
  out.bigSame = back.length === big.length && back.every((b, i) => b === big[i]);
  const reader = await s.openReader('1');
  const part = new Uint8Array(5);
  await reader.read(part, 1000);
  out.range = Array.from(part).every((b, i) => b === big[1000 + i]) && reader.size === big.length;
  await s.storeCheckpoint('1', [new Uint8Array([9, 8, 7])]);
  out.replaced = Array.from(await s.loadCheckpoint('1'));
  // The File the reader holds named the replaced bytes: reading it now fails, typed.
  out.staleRead = await codeOf(() => reader.read(part, 0));
  // A store that fails midway leaves the previous bytes and no visible file: its second
  // chunk is a write request without data, which the writable rejects after the first was written.
  out.failed = await codeOf(() => s.storeCheckpoint('1', [new Uint8Array([1, 1]), { type: 'write' }]));
  out.afterFailure = Array.from(await s.loadCheckpoint('1'));
  await s.storeCheckpoint('2', [serialize({ t: tf.tensor1d([1, 2, 3]), step: 2 })]);
  const dir = await (await (await navigator.storage.getDirectory()).getDirectoryHandle('reprise-test')).getDirectoryHandle('run');
  await dir.getFileHandle('notes.txt', { create: true });
  await dir.getDirectoryHandle('sub.reprise', { create: true });
  out.list = (await s.listCheckpoints()).sort();
  out.entries = [];
  for await (const k of dir.keys()) out.entries.push(k);
  out.entries.sort();
  const loaded = deserialize(await s.loadCheckpoint('2'));
  out.tensor = Array.from(await loaded.t.data());
  await s.deleteCheckpoint('1');
  await s.deleteCheckpoint('missing');
  out.exists = [await s.checkpointExists('1'), await s.checkpointExists('2')];
  out.notFound = await codeOf(() => s.loadCheckpoint('1'));
  out.badName = await codeOf(() => s.storeCheckpoint('../x', [new Uint8Array(1)]));
  // The scheme: a run's folder through CheckpointPlugin's naming, one file through save/load.
  await save({ t: tf.tensor1d([4, 5]), step: 9 }, 'opfs://reprise-test/scheme/9.reprise');
  const byUrl = await load('opfs://reprise-test/scheme/9.reprise');
  out.byUrl = [Array.from(await byUrl.t.data()), byUrl.step];
  return out;
};

/** What only Node can do, called in the page: each a CheckpointError code, not a crash. */
window.reprise.nodeOnly = async function () {
  return {
    fileStorage: await codeOf(() => new FileSystemCheckpointStorage({ directory: 'run' })),
    s3Storage: await codeOf(() => new S3CheckpointStorage({ bucket: 'bucket' })),
    s3Url: await codeOf(() => save({ a: 1 }, 's3://bucket/run/1')),
    fileUrl: await codeOf(() => load('file:///tmp/1.reprise')),
    writeAtomically: await codeOf(() => writeAtomically('/tmp/x', [new Uint8Array(1)])),
  };
};
window.ready = true;
