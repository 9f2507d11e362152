/** Shared by the tensor tests: quiet backend start (`REPRISE_BACKEND=cpu` forces plain JS) and byte helpers. */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../src/tensor/index.js';

process.env.REPRISE_QUIET = '1';
export const backend = await initBackend({ quiet: true });

/** The raw bytes behind a tensor's values (strings: their UTF-8 bytes joined with NUL-free length prefixes). */
export function bytesOf(t: tf.Tensor): Uint8Array {
  if (t.dtype === 'string') {
    const parts = tf.engine().readSync(t.dataId) as unknown as Uint8Array[];
    return Uint8Array.from(parts.flatMap((p) => [...new Uint8Array(new Uint32Array([p.length]).buffer), ...p]));
  }
  const v = t.dataSync() as unknown as ArrayBufferView;
  return new Uint8Array(v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength));
}

/** Bit-for-bit equality of two tensors: dtype, shape and bytes. */
export function sameTensor(a: tf.Tensor, b: tf.Tensor): boolean {
  return a.dtype === b.dtype && tf.util.arraysEqual(a.shape, b.shape) && Buffer.from(bytesOf(a)).equals(Buffer.from(bytesOf(b)));
}

/** Runs `fn` and returns the most tensor bytes the engine held at once while it ran, above what it held before. */
export function tensorPeakOf(fn: () => void): number {
  const engine = tf.engine() as unknown as { makeTensor: (...args: unknown[]) => tf.Tensor; state: { numBytes: number } };
  const start = engine.state.numBytes;
  let peak = start;
  const original = engine.makeTensor;
  engine.makeTensor = function (this: unknown, ...args: unknown[]) {
    const t = original.apply(this, args);
    peak = Math.max(peak, engine.state.numBytes);
    return t;
  };
  try {
    fn();
  } finally {
    engine.makeTensor = original;
  }
  return peak - start;
}
