import * as tf from '#tfjs-core';
import { CheckpointError, CheckpointFormatError, UnsupportedValueError } from '../errors.js';
import { LITTLE_ENDIAN } from '../platform.js';
import { DTYPE_SIZES as BYTES_PER_ELEMENT, MAX_RANK, TENSOR_DTYPES, type TensorDtype } from '../format/index.js';
import type { DeferredBytes } from '../format/index.js';
import type { SectionView } from '../registry/index.js';
import { TENSOR_CAPTURE, type TensorCapture } from './tensor-capture.js';
import { TENSOR_PACKER, type TensorPacker } from './tensor-packer.js';
import { deviceTagFor } from './device-tag.js';
import { resolveDevice } from './map-location.js';
import type { TensorDecodeContext, TensorEncodeContext } from './options.js';
import { checkPackedStrings, packStrings, unpackStrings } from './string-tensor-bytes.js';

export { TENSOR_DTYPES, type TensorDtype };

/**
 * How a tensor's value is stored in the graph: its bytes live in tensor section
 * `section` (little-endian, C order); `dtype` and `shape` are the tensor's own (two
 * tensors sharing data — `reshape` — share one section but keep their shapes).
 */
export interface TensorRecord {
  section: number;
  dtype: TensorDtype;
  shape: number[];
  /**
   * For a packed tensor: the byte offset of its bytes in section `section`, a `Bytes`
   * section (a pack) holding several small tensors. Absent for a tensor section.
   */
  offset?: number;
}

/**
 * Stores the bytes of `tensor` in a tensor section and returns the record that points
 * at them. The bytes are read synchronously with as few copies as the backend allows
 * (none on the `cpu` backend for numeric dtypes) — or, when the save passes a
 * {@link TensorCapture} under `TENSOR_CAPTURE` in the options, a reference to the data is
 * kept instead and the bytes of `float32`, `int32` and `bool` tensors are read when the
 * file is written (`string` and `complex64` tensors are still read at once). Two tensors
 * sharing data (same `dataId`) are stored once. The recorded device tag is {@link deviceTagFor}'s.
 * Inverse: {@link decodeTensorRecord}.
 *
 * @throws UnsupportedValueError `DISPOSED_TENSOR` (with the graph path) for a disposed
 *   tensor: its bytes are gone, and storing garbage would be worse. Set the field to
 *   `null` or exclude it before saving.
 */
export function encodeTensorRecord(tensor: tf.Tensor, ctx: TensorEncodeContext): TensorRecord {
  if (tensor.isDisposed) {
    throw new UnsupportedValueError(
      'DISPOSED_TENSOR',
      `a disposed ${tensor.dtype} tensor of shape [${tensor.shape.join(', ')}] cannot be saved (its data is gone); set the field to null or exclude it once disposed`,
      { path: ctx.path() },
    );
  }
  assertLittleEndian();
  const dtype = tensor.dtype as TensorDtype;
  const data = tensorBytes(tensor, dtype, ctx);
  const device = deviceTagFor(tensor, ctx.options, () => ctx.path());
  const packer = (ctx.options as { [TENSOR_PACKER]?: TensorPacker })[TENSOR_PACKER];
  const place = dtype === 'string' ? undefined : packer?.place(ctx, tensor.dataId, data, device);
  if (place) return { section: place.section, dtype, shape: [...tensor.shape], offset: place.offset };
  const section = ctx.addSection({ kind: 'tensor', data, dtype, shape: tensor.shape, device, dedupKey: tensor.dataId });
  return { section, dtype, shape: [...tensor.shape] };
}

/**
 * The bytes of `tensor`: a reference to its data taken by the save's `TensorCapture`
 * (numeric dtypes but complex64), or the bytes read at once.
 */
function tensorBytes(tensor: tf.Tensor, dtype: TensorDtype, ctx: TensorEncodeContext): Uint8Array | DeferredBytes {
  if (dtype === 'string') return packStrings(tf.engine().readSync(tensor.dataId) as unknown as Uint8Array[]);
  const expected = tensor.size * BYTES_PER_ELEMENT[dtype];
  const capture = (ctx.options as { [TENSOR_CAPTURE]?: TensorCapture })[TENSOR_CAPTURE];
  const deferred = dtype === 'complex64' ? undefined : capture?.defer(tensor, expected);
  if (deferred) return deferred;
  const values = tensor.dataSync() as unknown as ArrayBufferView;
  const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (data.byteLength !== expected) {
    throw new CheckpointError('BAD_TENSOR', `a ${dtype} tensor of ${tensor.size} elements gave ${data.byteLength} bytes, not ${expected}`, { path: ctx.path() });
  }
  return data;
}

/**
 * Creates a tensor on the current backend from a {@link TensorRecord}, after checking
 * the record and the section against each other and the section's device tag against
 * `ctx.options.mapLocation` (see `resolveDevice`). Numeric tensors view the file's bytes
 * without copying when the section's offset suits the element type (always, for the
 * 64-byte aligned sections of a file loaded into an aligned buffer) and on the `cpu`
 * backend keep that view: the loaded buffer must not be modified afterwards.
 * Inverse: {@link encodeTensorRecord}.
 *
 * @param name the variable's stored name, passed to a `mapLocation` function.
 * @throws CheckpointFormatError `BAD_TENSOR` when the record or the section is malformed
 *   or they disagree, or a `bool` element is neither 0 nor 1; DeviceMappingError when the tag cannot be served here;
 *   CheckpointError `UNSUPPORTED_DTYPE` for `complex64` on a backend without complex
 *   numbers (WebAssembly: use `REPRISE_BACKEND=cpu`).
 */
export function decodeTensorRecord(record: unknown, ctx: TensorDecodeContext, name?: string): tf.Tensor {
  const { dtype, shape, size, section } = checkTensorRecordHere(record, ctx, name);
  if (section.resident instanceof tf.Tensor) {
    // Already in the backend's memory (see tensorSectionAllocator): share it; the record keeps its own shape.
    return tf.keep(tf.reshape(section.resident, shape));
  }
  const data = section.data;
  if (dtype === 'string') return tf.keep(tf.tensor(unpackStrings(data, size, ctx.path()), shape, 'string'));
  if (dtype === 'complex64') return tf.keep(complexFromInterleaved(floatView(data), shape));
  const values = dtype === 'float32' ? floatView(data) : dtype === 'int32' ? intView(data) : data;
  return tf.keep(tf.tensor(values, shape, dtype));
}

/** A tensor record checked against its section, with nothing allocated yet. */
export interface InspectedTensorRecord {
  dtype: TensorDtype;
  shape: number[];
  /** Element count of `shape`. */
  size: number;
  /** The section the record points at. */
  section: SectionView;
}

/**
 * Checks a {@link TensorRecord} and the section it points at against each other (kind,
 * dtype, byte length for fixed-width dtypes) without creating a tensor, so that a
 * codec can learn what a stored tensor is before it allocates anything for it.
 * {@link decodeTensorRecord} starts with it.
 *
 * @throws CheckpointFormatError `BAD_TENSOR` (with the graph path) when the record is
 *   malformed or disagrees with its section.
 */
export function inspectTensorRecord(record: unknown, ctx: TensorDecodeContext): InspectedTensorRecord {
  // Formatted only when something is thrown: a load decodes thousands of valid records.
  const path = () => ctx.path();
  const { section: index, dtype, shape, size, offset } = checkRecord(record, path);
  if (offset !== undefined) return { dtype, shape, size, section: packedSection(ctx, index, offset, dtype, size, path) };
  const section = ctx.section(index);
  if (section.kind !== 'tensor' || section.dtype !== dtype) {
    throw new CheckpointFormatError(
      'BAD_TENSOR',
      `a ${dtype} tensor points at section ${index}, which holds ${section.kind === 'tensor' ? `a ${section.dtype} tensor` : 'raw bytes'}`,
      { path: path() },
    );
  }
  if (dtype !== 'string') {
    const expected = size * BYTES_PER_ELEMENT[dtype];
    const held = section.resident instanceof tf.Tensor ? section.resident.size * BYTES_PER_ELEMENT[dtype] : section.data.byteLength;
    if (held !== expected) {
      throw new CheckpointFormatError(
        'BAD_TENSOR',
        `a ${dtype} tensor of shape [${shape.join(', ')}] needs ${expected} bytes, its section has ${held}`,
        { path: path() },
      );
    }
  }
  return { dtype, shape, size, section };
}

/**
 * What the tensors of one load (keyed by its decode context) claimed of each pack: a bit
 * per byte, the exact ranges (offset to length), and the end of the furthest range.
 */
interface PackClaims {
  bits: Uint8Array;
  ranges: Map<number, number>;
  end: number;
}
const packClaims = new WeakMap<object, Map<number, PackClaims>>();

/**
 * The bytes of a packed tensor as a section view: `length` bytes at `offset` of pack
 * section `index`, checked to lie inside the pack and to overlap no other packed
 * tensor's bytes of this load (tensors sharing data share the very same range).
 * @throws CheckpointFormatError `BAD_PACK` (with the graph path) when the section is no
 *   pack, the dtype cannot be packed, or the range is past the pack's end or overlaps another.
 */
function packedSection(ctx: TensorDecodeContext, index: number, offset: number, dtype: TensorDtype, size: number, path: () => string): SectionView {
  const fail = (what: string) => new CheckpointFormatError('BAD_PACK', `a packed ${dtype} tensor ${what}`, { path: path() });
  if (dtype === 'string') throw fail('cannot be: string tensors have sections of their own');
  const pack = ctx.section(index);
  if (pack.kind !== 'bytes') throw fail(`points at section ${index}, a ${pack.dtype} tensor section, not a pack (a Bytes section)`);
  const length = size * BYTES_PER_ELEMENT[dtype];
  const packLength = pack.data.byteLength;
  if (offset + length > packLength) {
    throw fail(`of ${length} bytes at offset ${offset} runs past the end of pack section ${index} (${packLength} bytes)`);
  }
  if (length > 0) claimPackRange(ctx, index, offset, length, packLength, fail);
  return { kind: 'tensor', data: pack.data.subarray(offset, offset + length), dtype, shape: [], device: pack.device };
}

function claimPackRange(ctx: object, index: number, offset: number, length: number, packLength: number, fail: (what: string) => Error): void {
  let packs = packClaims.get(ctx);
  if (!packs) packClaims.set(ctx, (packs = new Map()));
  let claims = packs.get(index);
  if (!claims) packs.set(index, (claims = { bits: new Uint8Array(Math.ceil(packLength / 8)), ranges: new Map(), end: 0 }));
  if (claims.ranges.get(offset) === length) return; // a tensor sharing data with one loaded before
  const end = offset + length;
  // Ranges claimed in file order (as reprise writes them) start at or past every earlier
  // one's end and cannot overlap any; only a range starting earlier is looked up.
  if (offset < claims.end) {
    const taken = firstClaimedByte(claims.bits, offset, end);
    if (taken >= 0) throw fail(`at bytes [${offset}, ${end}) of pack section ${index} overlaps another packed tensor at byte ${taken}`);
  }
  claimBytes(claims.bits, offset, end);
  claims.end = Math.max(claims.end, end);
  claims.ranges.set(offset, length);
}

/** The first byte in `[from, to)` whose bit is set in `bits`, or -1; whole bitmap bytes at a time. */
function firstClaimedByte(bits: Uint8Array, from: number, to: number): number {
  let i = from;
  for (; i < to && (i & 7) !== 0; i++) if (bits[i >> 3]! & (1 << (i & 7))) return i;
  for (; i + 8 <= to; i += 8) {
    const b = bits[i >> 3]!;
    if (b !== 0) return i + 31 - Math.clz32(b & -b);
  }
  for (; i < to; i++) if (bits[i >> 3]! & (1 << (i & 7))) return i;
  return -1;
}

/** Sets the bits of bytes `[from, to)` in `bits`: the partial bitmap bytes bit by bit, the rest with one fill. */
function claimBytes(bits: Uint8Array, from: number, to: number): void {
  let i = from;
  for (; i < to && (i & 7) !== 0; i++) bits[i >> 3]! |= 1 << (i & 7);
  const whole = (to - i) >> 3;
  if (whole > 0) {
    bits.fill(0xff, i >> 3, (i >> 3) + whole);
    i += whole << 3;
  }
  for (; i < to; i++) bits[i >> 3]! |= 1 << (i & 7);
}

/**
 * Every check {@link decodeTensorRecord} makes of a record and its section's bytes —
 * {@link inspectTensorRecord}, `bool` elements 0 or 1, a `string` section's lengths —
 * allocating nothing. Not checked: what depends on the process (the device tag, the
 * backend): {@link checkTensorRecordHere} adds that.
 * @throws CheckpointFormatError `BAD_TENSOR` (with the graph path).
 */
export function checkTensorRecord(record: unknown, ctx: TensorDecodeContext): InspectedTensorRecord {
  const inspected = inspectTensorRecord(record, ctx);
  const { dtype, size, section } = inspected;
  // A section already in the backend's memory was checked when it was read.
  if (section.resident instanceof tf.Tensor) return inspected;
  if (dtype === 'bool') checkBooleans(section.data, () => ctx.path());
  if (dtype === 'string') checkPackedStrings(section.data, size, ctx.path());
  return inspected;
}

/**
 * A `bool` tensor holds one byte per element, 0 or 1; any other byte would read back
 * differently on each backend (tfjs compares it as a number), so it is refused.
 * @throws CheckpointFormatError `BAD_TENSOR` naming the first offending element.
 */
function checkBooleans(data: Uint8Array, path: () => string): void {
  for (let i = 0; i < data.length; i++) {
    if (data[i]! > 1) {
      throw new CheckpointFormatError('BAD_TENSOR', `a bool tensor holds ${data[i]} at element ${i}; bool elements are 0 or 1`, { path: path() });
    }
  }
}

function checkRecord(record: unknown, path: () => string): TensorRecord & { size: number } {
  const fail = (what: string) => new CheckpointFormatError('BAD_TENSOR', `a stored tensor is malformed: ${what}`, { path: path() });
  if (typeof record !== 'object' || record === null) throw fail(`expected a record, found ${record === null ? 'null' : typeof record}`);
  const { section, dtype, shape, offset } = record as Record<string, unknown>;
  if (!Number.isSafeInteger(section) || (section as number) < 0) throw fail(`section ${String(section)} is not an index`);
  if (offset !== undefined && (!Number.isSafeInteger(offset) || (offset as number) < 0)) {
    throw new CheckpointFormatError('BAD_PACK', `a packed tensor's offset ${String(offset)} is not a byte offset`, { path: path() });
  }
  if (typeof dtype !== 'string' || !(TENSOR_DTYPES as readonly string[]).includes(dtype)) {
    throw fail(`dtype ${JSON.stringify(dtype)} is none of ${TENSOR_DTYPES.join(', ')}`);
  }
  if (!Array.isArray(shape) || shape.length > MAX_RANK) throw fail(`the shape must be an array of at most ${MAX_RANK} sizes`);
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw fail(`shape [${shape.join(', ')}] has a size that is not a non-negative integer`);
    size *= d;
    if (size > Number.MAX_SAFE_INTEGER) throw fail(`shape [${shape.join(', ')}] is too large`);
  }
  return { section: section as number, dtype: dtype as TensorDtype, shape: [...(shape as number[])], size, ...(offset === undefined ? {} : { offset: offset as number }) };
}

/** A Float32Array over `data`: a view when its offset allows, else a copy. */
function floatView(data: Uint8Array): Float32Array {
  if (data.byteOffset % 4 === 0) return new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  return new Float32Array(data.slice().buffer);
}

function intView(data: Uint8Array): Int32Array {
  if (data.byteOffset % 4 === 0) return new Int32Array(data.buffer, data.byteOffset, data.byteLength / 4);
  return new Int32Array(data.slice().buffer);
}

/**
 * Everything {@link decodeTensorRecord} checks before it allocates: {@link checkTensorRecord},
 * then what depends on this process — the section's device tag against
 * `ctx.options.mapLocation` (`resolveDevice`), a little-endian machine, a backend that
 * holds `complex64`. The `check` of the tensor and Variable codecs (verify), so that verify
 * and load refuse the same files here, given the same `mapLocation`.
 * @throws what `checkTensorRecord` and `decodeTensorRecord` throw.
 */
export function checkTensorRecordHere(record: unknown, ctx: TensorDecodeContext, name?: string): InspectedTensorRecord {
  const inspected = checkTensorRecord(record, ctx);
  const { dtype, shape, section } = inspected;
  // A `cpu` tag with no mapLocation is served as it is (resolveDevice's own answer): the
  // common case skips the lookup, and the graph path is formatted only for an error.
  if (section.device !== 'cpu' || ctx.options.mapLocation != null) {
    resolveDevice(section.device, ctx.options.mapLocation, { dtype, shape, ...(name === undefined ? {} : { name }) }, ctx.path());
  }
  assertLittleEndian();
  if (dtype === 'complex64') assertComplexBackend(ctx.path());
  return inspected;
}

function assertComplexBackend(path: string): void {
  if (!tf.getKernel('Complex', tf.getBackend())) {
    throw new CheckpointError(
      'UNSUPPORTED_DTYPE',
      `a complex64 tensor cannot live on the "${tf.getBackend()}" backend; load it under the cpu backend (REPRISE_BACKEND=cpu)`,
      { path },
    );
  }
}

function complexFromInterleaved(values: Float32Array, shape: number[]): tf.Tensor {
  const n = values.length / 2;
  const real = new Float32Array(n);
  const imag = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    real[i] = values[2 * i]!;
    imag[i] = values[2 * i + 1]!;
  }
  return tf.tidy(() => tf.complex(tf.tensor(real, shape), tf.tensor(imag, shape)));
}

function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) {
    throw new CheckpointError('UNSUPPORTED_PLATFORM', 'tensor sections are little-endian and this machine is big-endian, which reprise does not support yet');
  }
}
