import { BASE_FORMAT_VERSION, concatChunks, FORMAT_VERSION, isDeferredBytes, packContainer, type ContainerInput, type PackedContainer, type SectionPayload } from '../format/index.js';
import { encodeGraph } from '../graph/index.js';
import { defaultRegistry } from '../registry/index.js';
import '../tensor/index.js';
import { recordedBackend } from '../tensor/backend.js';
import { TENSOR_CAPTURE, TensorCapture } from '../tensor/tensor-capture.js';
import { TENSOR_PACKER, TensorPacker } from '../tensor/tensor-packer.js';
import type { SerializeOptions } from './options.js';
import { WRITER } from './writer.js';

/**
 * Encodes `value` and lays it out as a checkpoint, without copying tensor bytes.
 *
 * With `capture`, the sections that view the caller's own typed arrays and
 * ArrayBuffers (those of 4 KiB or more) are copied, once, so the caller may change them
 * while the bytes are written (tensor sections need no copy: tfjs tensors are
 * immutable, and a `Variable.assign` swaps in new data). Without it (for `serialize`,
 * which concatenates at once) nothing is copied. Saves that write later use
 * {@link captureValue}, which does not even read the tensors' bytes at the call.
 */
export function packValue(
  value: unknown,
  options: SerializeOptions = {},
  excludeFields?: ReadonlyMap<object, ReadonlySet<string>>,
  capture = false,
): PackedContainer {
  const { registry = defaultRegistry, metadata, maxDepth, ...codecOptions } = options;
  const packer = new TensorPacker();
  const encoded = encodeGraph(value, { registry, options: { ...codecOptions, [TENSOR_PACKER]: packer }, maxDepth, excludeFields });
  const sections = capture ? encoded.sections.map(copyCallersBytes) : encoded.sections;
  return packContainer({ graph: encoded.graph, sections, writer: WRITER, backend: recordedBackend(), metadata, formatVersion: versionFor(packer) });
}

/**
 * A checkpoint fixed at the call but not yet read or laid out: the graph is encoded,
 * the caller's typed arrays and ArrayBuffers are copied, and each tensor is held by a
 * reference of its own (no copy; see `TensorCapture`) whose bytes are read when the
 * file is written. Hand it to {@link storeCaptured}, which releases it.
 */
export interface CapturedCheckpoint {
  readonly container: ContainerInput;
  /** Disposes the tensor references. Idempotent; {@link storeCaptured} calls it. */
  release(): void;
}

/**
 * Captures `value` for a save that writes it later: what {@link packValue} with
 * `capture` fixes, at a fraction of its cost (no tensor bytes are read, no checksum
 * taken at the call). Inverse: `load` of what {@link storeCaptured} stores.
 * @throws what {@link serialize} throws; nothing is then held.
 */
export function captureValue(
  value: unknown,
  options: SerializeOptions = {},
  excludeFields?: ReadonlyMap<object, ReadonlySet<string>>,
): CapturedCheckpoint {
  const { registry = defaultRegistry, metadata, maxDepth, ...codecOptions } = options;
  const tensors = new TensorCapture();
  const packer = new TensorPacker();
  try {
    const encoded = encodeGraph(value, { registry, options: { ...codecOptions, [TENSOR_CAPTURE]: tensors, [TENSOR_PACKER]: packer }, maxDepth, excludeFields });
    const sections = encoded.sections.map(copyCallersBytes);
    const container = { graph: encoded.graph, sections, writer: WRITER, backend: recordedBackend(), metadata, formatVersion: versionFor(packer) };
    return { container, release: () => tensors.release() };
  } catch (err) {
    tensors.release();
    throw err;
  }
}

/** Format version 2 only for a file with packed tensors: every other file stays byte for byte as version 1 wrote it. */
function versionFor(packer: TensorPacker): number {
  return packer.packed ? FORMAT_VERSION : BASE_FORMAT_VERSION;
}

/** A section that views the caller's own bytes, copied; tensor sections as they are. */
function copyCallersBytes(s: SectionPayload): SectionPayload {
  return s.kind === 'tensor' || isDeferredBytes(s.data) ? s : { ...s, data: s.data.slice() };
}

/**
 * Serializes a value graph (classes registered with `@serializable`,
 * `@constructorSerialized` or `registerCodec`; tensors, models and optimizers built in)
 * to checkpoint bytes. The same graph always gives the same bytes.
 * Inverse: {@link deserialize}.
 *
 * @throws UnsupportedValueError for an unregistered class, function or symbol, naming
 *   its path (`.plugins[1].storage`); CheckpointError `CONSTRUCTOR_CYCLE` when a
 *   constructor-serialized object is reachable from its own arguments.
 * @example
 * ```ts
 * const bytes = serialize({ step: 3, weights: tf.ones([2, 2]) });
 * const { step, weights } = deserialize(bytes) as any;
 * ```
 */
export function serialize(value: unknown, options: SerializeOptions = {}): Uint8Array {
  return concatChunks(packValue(value, options));
}
