/**
 * The one home of what a section is and of the tensor dtypes a section can hold. The
 * registry (what codecs store), the graph (what it writes) and the tensor layer (how
 * tensors are laid out) import these; docs/FORMAT.md is the normative text.
 */

/** What a data section holds: raw bytes (a large ArrayBuffer, a codec's blob) or a tensor's elements. */
export type SectionKind = 'bytes' | 'tensor';

/** Every section kind the header names: section 0 is the graph stream, the rest are data. */
export type SectionKindName = 'graph' | SectionKind;

/**
 * Bytes a section will hold, fixed already but read only when the file is written: a
 * tensor kept alive by a reference of its own, whose bytes are read from the backend's
 * memory off the caller's critical path. `byteLength` is known up front, so the layout
 * of the file (and its size) is too.
 */
export interface DeferredBytes {
  readonly byteLength: number;
  /** Reads the bytes (exactly `byteLength` of them); they are not changed afterwards. */
  read(): Promise<Uint8Array>;
  /** Synchronous {@link read}. */
  readSync(): Uint8Array;
  /**
   * Copies the bytes into `target` (exactly `byteLength` long), synchronously, without
   * the buffer {@link readSync} makes where the bytes live elsewhere (a WebAssembly heap).
   * Optional: without it, `target.set(readSync())`.
   */
  readInto?(target: Uint8Array): void;
  /** Releases what keeps the bytes alive. Idempotent; called once the file is written or has failed. */
  release(): void;
}

/** True when `data` is {@link DeferredBytes} rather than bytes in hand. */
export function isDeferredBytes(data: Uint8Array | DeferredBytes): data is DeferredBytes {
  return typeof (data as Partial<DeferredBytes>).readSync === 'function';
}

/** The bytes of a section's `data`, read at once when they are deferred. */
export function sectionBytesSync(data: Uint8Array | DeferredBytes): Uint8Array {
  return isDeferredBytes(data) ? data.readSync() : data;
}

/** A data section to write: its bytes and, for a tensor, what they are. */
export interface SectionPayload {
  kind: SectionKind;
  /**
   * The bytes to store, or {@link DeferredBytes} read when the file is written. Not
   * copied before the file is written: do not mutate them until the save returns.
   */
  data: Uint8Array | DeferredBytes;
  /** Dtype of a tensor section (one of {@link TENSOR_DTYPES}). */
  dtype?: string;
  shape?: readonly number[];
  /** Device tag, e.g. `cpu` or `cuda:0`. */
  device?: string;
}

/** A data section as read back: a view of the file's bytes (no copy), 64-byte aligned within the file. */
export interface SectionView {
  kind: SectionKind;
  data: Uint8Array;
  /** Dtype of a tensor section; `''` for a bytes section. */
  dtype: string;
  shape: number[];
  device: string;
  /**
   * The section already in the tensor backend's own memory, when the loader read it
   * there (a `tf.Tensor` of the section's dtype and shape, owned by the loader; the
   * tensor codecs share its data instead of copying `data`, which is then a copy made
   * on demand). Absent for sections read into host memory.
   */
  resident?: unknown;
}

/** The tensor dtypes a checkpoint can hold (those of tfjs). */
export const TENSOR_DTYPES = ['float32', 'int32', 'bool', 'complex64', 'string'] as const;
export type TensorDtype = (typeof TENSOR_DTYPES)[number];

/** Bytes per element of each fixed-width dtype (complex64: interleaved float32 real, imaginary). */
export const DTYPE_SIZES: Readonly<Record<Exclude<TensorDtype, 'string'>, number>> = Object.freeze({
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
});

/** Dtypes whose elements have no fixed width (`string`: see docs/FORMAT.md for their layout). */
export const VARIABLE_WIDTH_DTYPES: ReadonlySet<string> = new Set(['string']);

/** Highest tensor rank accepted from a file. */
export const MAX_RANK = 32;

/** Bytes per element of `dtype` read from a file: `undefined` for a variable-width or unknown one. */
export function dtypeSize(dtype: string): number | undefined {
  return Object.hasOwn(DTYPE_SIZES, dtype) ? DTYPE_SIZES[dtype as keyof typeof DTYPE_SIZES] : undefined;
}
