import * as tf from '#tfjs-core';
import { hostSectionTarget, type ReadContainer, type SectionAllocator, type SectionInfo, type SectionTarget } from '../format/index.js';
import type { SectionView } from '../registry/index.js';

/** A section target that may hold the section on the tensor backend rather than in host memory. */
export interface TensorSectionTarget extends SectionTarget {
  /** The section as a tensor in the backend's own memory (its dtype and shape), filled as the bytes arrive. */
  readonly resident?: tf.Tensor;
}

/** What the WebAssembly backend offers for writing a tensor's bytes into its heap (tfjs-backend-wasm 4.x). */
interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  getMemoryOffset(dataId: object): number;
  wasm: { HEAPU8: Uint8Array };
}

/**
 * Smaller tensor sections are read into host memory and copied into the backend when
 * decoded, as tfjs does: for them a tensor of its own costs more (engine bookkeeping,
 * a second tensor object, garbage) than the copy, and together they hold little.
 */
const RESIDENT_MIN = 64 * 1024;

/** The WebAssembly backend when it is the current one and offers its heap (tfjs-backend-wasm 4.x), else undefined. */
export function wasmHeapBackend(): WasmHeapBackend | undefined {
  if (tf.getBackend() !== 'wasm') return undefined;
  const backend = tf.backend() as unknown as Partial<WasmHeapBackend>;
  const ok = typeof backend.makeOutput === 'function' && typeof backend.getMemoryOffset === 'function' && backend.wasm?.HEAPU8 instanceof Uint8Array;
  return ok ? (backend as WasmHeapBackend) : undefined;
}

/**
 * Where a load puts each section as it is read (see `readContainer`), so that a tensor's
 * bytes exist once: on the WebAssembly backend a `float32`/`int32` tensor section is
 * allocated in the backend's heap and its bytes are copied there piece by piece from
 * the bounded read buffer (when it holds at least 64 KiB); every other section (and every section on the `cpu` backend,
 * whose tensors keep a host typed array as it is) gets host memory of its own, which
 * the tensor then keeps without copying (`cpu`) or copies once (`tensorflow`).
 * `bool` sections stay in host memory so that their 0/1 check runs on the bytes.
 */
export function tensorSectionAllocator(): SectionAllocator<TensorSectionTarget> {
  const wasm = wasmHeapBackend();
  return (info: SectionInfo): TensorSectionTarget => {
    if (!wasm || info.kind !== 'tensor' || (info.dtype !== 'float32' && info.dtype !== 'int32') || info.length < RESIDENT_MIN) return hostSectionTarget(info);
    const resident = tf.engine().makeTensorFromTensorInfo(wasm.makeOutput([...info.shape], info.dtype), tf.backend());
    const offset = wasm.getMemoryOffset(resident.dataId);
    return {
      resident,
      // The heap's buffer changes when it grows: take the current one for every piece.
      write: (bytes, at) => wasm.wasm.HEAPU8.set(bytes, offset + at),
      discard: () => resident.dispose(),
    };
  };
}

/** The view the tensor codecs see of section `index` of a container read with {@link tensorSectionAllocator}. */
export function residentSectionView(container: ReadContainer<TensorSectionTarget>, index: number): SectionView | undefined {
  const info = container.header.sections[index];
  const target = container.targets[index];
  if (info === undefined || target === undefined || index === 0) return undefined;
  const { kind, dtype, shape, device } = info;
  const resident = target.resident;
  if (resident === undefined) return { kind: kind as SectionView['kind'], data: target.memory!, dtype, shape, device };
  return {
    kind: kind as SectionView['kind'],
    dtype,
    shape,
    device,
    resident,
    get data(): Uint8Array {
      const values = resident.dataSync() as Float32Array | Int32Array;
      return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    },
  };
}

/** Drops the loader's own references to the sections it read onto the backend (loaded tensors keep theirs). */
export function releaseResidentSections(container: ReadContainer<TensorSectionTarget>): void {
  for (const t of container.targets) t.resident?.dispose();
}
