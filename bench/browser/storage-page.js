// Bundled by bench/browser-storage.ts for headless Chromium: the same bytes stored and
// loaded through IndexedDBCheckpointStorage and through the Origin Private File System
// (createWritable: written to a swap file, moved into place by close()).
import { IndexedDBCheckpointStorage } from 'reprise';

function bytesOf(size) {
  const b = new Uint8Array(size);
  // Not compressible, not all zero: a counter mixed by a multiplicative hash, 4 bytes at a time.
  const words = new Uint32Array(b.buffer, 0, size >>> 2);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i, 2654435761);
  return b;
}

async function time(f) {
  const t0 = performance.now();
  const out = await f();
  return [performance.now() - t0, out];
}

function same(a, b) {
  if (a.length !== b.length) return false;
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length >>> 2);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

window.bench = async function (size, reps, which = ['indexeddb', 'opfs']) {
  const data = bytesOf(size);
  // As a checkpoint arrives: a few chunks (header, sections), not one buffer.
  const chunks = [data.subarray(0, 4096), data.subarray(4096, size >>> 1), data.subarray(size >>> 1)];
  const rows = { indexeddb: { store: [], load: [], ok: true }, opfs: { store: [], load: [], ok: true } };

  const idb = new IndexedDBCheckpointStorage({ database: 'bench', prefix: 'run/' });
  const root = await navigator.storage.getDirectory();
  for (let r = 0; r < reps; r++) {
    if (which.includes('indexeddb')) {
    const [ts] = await time(() => idb.storeCheckpoint('1', chunks));
    const [tl, back] = await time(() => idb.loadCheckpoint('1'));
    rows.indexeddb.store.push(ts);
    rows.indexeddb.load.push(tl);
    rows.indexeddb.ok &&= same(back, data);
    }
    if (!which.includes('opfs')) continue;

    const [os] = await time(async () => {
      const handle = await root.getFileHandle('1.reprise', { create: true });
      const w = await handle.createWritable();
      for (const c of chunks) await w.write(c);
      await w.close();
    });
    const [ol, obytes] = await time(async () => {
      const handle = await root.getFileHandle('1.reprise');
      return new Uint8Array(await (await handle.getFile()).arrayBuffer());
    });
    rows.opfs.store.push(os);
    rows.opfs.load.push(ol);
    rows.opfs.ok &&= same(obytes, data);
  }
  await idb.deleteCheckpoint('1');
  await idb.close();
  await root.removeEntry('1.reprise').catch(() => {});
  for (const k of Object.keys(rows)) if (!which.includes(k)) delete rows[k];
  const estimate = await navigator.storage.estimate();
  return { rows, quota: estimate.quota };
};
window.ready = true;
