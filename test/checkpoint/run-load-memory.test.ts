/**
 * A run checkpoint loaded in a fresh process on the WebAssembly backend holds its
 * tensor bytes once: peak resident memory above the start stays near the file's size
 * (the whole-file read it replaced peaked at about twice the file: the file's buffer
 * plus the copy in the wasm heap).
 */
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { FileSystemCheckpointStorage, saveCheckpoint } from '../../src/checkpoint/index.js';
import { initBackend } from '../../src/tensor/index.js';
import { ToyStrategy } from './toy-strategy.js';

process.env.REPRISE_QUIET = '1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reprise-run-memory-'));
after(() => fs.rmSync(dir, { recursive: true, force: true }));
const child = fileURLToPath(new URL('./run-load-memory-child.js', import.meta.url));
const canMeasure = (() => {
  try {
    fs.writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
})();

it('maybeLoadCheckpoint of a 48 MB run checkpoint on wasm peaks below 1.4× the file (fresh process)', { skip: !canMeasure && 'needs /proc/self/clear_refs (Linux)' }, async () => {
  await initBackend({ quiet: true });
  const storage = new FileSystemCheckpointStorage({ directory: dir });
  const s = new ToyStrategy() as ToyStrategy & { w: tf.Tensor[] };
  // Four 12 MB tensors: several large sections, each read straight into the wasm heap.
  s.w = [0, 1, 2, 3].map((i) => tf.fill([3 * 1024 * 1024], i + 0.5, 'float32'));
  await saveCheckpoint(s, { storage, name: 'run' });
  tf.dispose(s.w);
  const out = spawnSync(process.execPath, ['--expose-gc', child, dir, 'run'], { encoding: 'utf8', env: { ...process.env, REPRISE_BACKEND: 'wasm' } });
  assert.equal(out.status, 0, out.stderr);
  const r = JSON.parse(out.stdout.trim().split('\n').at(-1)!) as { backend: string; size: number; extra: number; loaded: boolean };
  assert.equal(r.backend, 'wasm');
  assert.ok(r.loaded);
  assert.ok(r.extra <= 1.4 * r.size, `peak +${(r.extra / 2 ** 20).toFixed(1)} MiB for a ${(r.size / 2 ** 20).toFixed(1)} MiB file (${(r.extra / r.size).toFixed(2)}×)`);
});
