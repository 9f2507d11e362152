import * as tf from '#tfjs-core';
import type { DeferredBytes } from '../format/index.js';
import { wasmHeapBackend } from './section-target.js';

/**
 * The key under which a save's encode options carry a {@link TensorCapture}: with it,
 * the tensor codecs keep a reference to each tensor's data instead of reading its bytes
 * at once (see `encodeTensorRecord`). A symbol, so no user option can collide with it.
 */
export const TENSOR_CAPTURE = Symbol('reprise.tensorCapture');

/**
 * The tensors one save keeps alive until its file is written: for each tensor data
 * (`dataId`) a reference of its own, sharing the data without copying it. tfjs tensors
 * are immutable, and a `Variable.assign` or `dispose` only drops the variable's own
 * reference, so the bytes read later are the bytes at the call. {@link release}
 * disposes every reference; the save calls it once the file is written or has failed.
 */
export class TensorCapture {
  readonly #held = new Map<unknown, DeferredBytes>();

  /**
   * The deferred bytes of `tensor` (a numeric dtype), or undefined when its data lives
   * on another backend than the current one, where no reference can be taken: the
   * caller then reads the bytes at once.
   */
  defer(tensor: tf.Tensor, byteLength: number): DeferredBytes | undefined {
    const known = this.#held.get(tensor.dataId);
    if (known) return known;
    const ref = shareData(tensor);
    if (!ref) return undefined;
    let released = false;
    const deferred: DeferredBytes = {
      byteLength,
      read: async () => bytesOf(await ref.data()),
      readSync: () => bytesOf(ref.dataSync()),
      // Straight from the WebAssembly heap when the data is there (no copy of its own, as
      // dataSync makes); elsewhere dataSync's bytes (the cpu backend's own array).
      readInto: (target) => {
        const heap = wasmHeapBackend();
        if (heap && tf.engine().state.tensorInfo.get(ref.dataId)?.backend === (heap as unknown)) {
          const at = heap.getMemoryOffset(ref.dataId);
          target.set(heap.wasm.HEAPU8.subarray(at, at + byteLength));
        } else {
          target.set(bytesOf(ref.dataSync()));
        }
      },
      release: () => {
        if (released) return;
        released = true;
        ref.dispose();
      },
    };
    this.#held.set(tensor.dataId, deferred);
    return deferred;
  }

  /** Disposes every reference taken. Idempotent. */
  release(): void {
    for (const d of this.#held.values()) d.release();
    this.#held.clear();
  }
}

/**
 * A new tensor over the same data as `tensor` (no copy), with its own reference count
 * in the engine and the backend — what `tf.variable` does with its initial value. Not
 * `tf.clone`: the WebAssembly backend copies the data for it.
 */
function shareData(tensor: tf.Tensor): tf.Tensor | undefined {
  const engine = tf.engine();
  const owner = engine.state.tensorInfo.get(tensor.dataId)?.backend;
  if (owner === undefined || owner !== engine.backend || typeof owner.incRef !== 'function') return undefined;
  try {
    owner.incRef(tensor.dataId); // first: a backend without it throws before anything changed
  } catch {
    return undefined;
  }
  return tf.keep(engine.makeTensorFromTensorInfo({ dataId: tensor.dataId, shape: tensor.shape, dtype: tensor.dtype }, owner));
}

function bytesOf(values: ArrayBufferView | unknown): Uint8Array {
  const v = values as ArrayBufferView;
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}
