import { concatChunks, packContainer, type PackedContainer } from '../format/index.js';
import { encodeGraph } from '../graph/index.js';
import { defaultRegistry } from '../registry/index.js';
import '../tensor/index.js';
import { recordedBackend } from '../tensor/backend.js';
import type { SerializeOptions } from './options.js';
import { WRITER } from './writer.js';

/** Encodes `value` and lays it out as a checkpoint, without copying section bytes. */
export function packValue(value: unknown, options: SerializeOptions = {}, excludeFields?: ReadonlyMap<object, ReadonlySet<string>>): PackedContainer {
  const { registry = defaultRegistry, metadata, maxDepth, ...codecOptions } = options;
  const { graph, sections } = encodeGraph(value, { registry, options: codecOptions, maxDepth, excludeFields });
  return packContainer({ graph, sections, writer: WRITER, backend: recordedBackend(), metadata });
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
