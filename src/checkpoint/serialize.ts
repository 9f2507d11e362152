import { concatChunks, packContainer, type PackedContainer } from '../format/index.js';
import { encodeGraph } from '../graph/index.js';
import { defaultRegistry } from '../registry/index.js';
import '../tensor/index.js';
import { recordedBackend } from '../tensor/backend.js';
import type { SerializeOptions } from './options.js';
import { WRITER } from './writer.js';

/**
 * Encodes `value` and lays it out as a checkpoint, without copying tensor bytes.
 *
 * With `capture`, what will be written is fixed when this returns, so the caller may
 * change its data while the bytes are written: tensor sections already are (tfjs
 * tensors are immutable, and a `Variable.assign` swaps in new data, leaving the old
 * bytes to this checkpoint), and the sections that view the caller's own typed arrays
 * and ArrayBuffers (those of 4 KiB or more) are copied, once, before their checksums
 * are taken. Without it (for `serialize`, which concatenates at once) nothing is copied.
 */
export function packValue(
  value: unknown,
  options: SerializeOptions = {},
  excludeFields?: ReadonlyMap<object, ReadonlySet<string>>,
  capture = false,
): PackedContainer {
  const { registry = defaultRegistry, metadata, maxDepth, ...codecOptions } = options;
  const encoded = encodeGraph(value, { registry, options: codecOptions, maxDepth, excludeFields });
  const sections = capture ? encoded.sections.map((s) => (s.kind === 'tensor' ? s : { ...s, data: s.data.slice() })) : encoded.sections;
  return packContainer({ graph: encoded.graph, sections, writer: WRITER, backend: recordedBackend(), metadata });
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
