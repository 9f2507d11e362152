export { Registry, defaultRegistry, registerCodec, registerFunction } from './registry.js';
export type { ClassEntry, CodecEntry, ConstructorEntry, DeferredCodecs, FieldsEntry } from './registry.js';
export { serializable, constructorSerialized } from './decorators.js';
export type {
  CodecOptions,
  ConstructorSerializedOptions,
  DecodeContext,
  EncodeContext,
  SectionInput,
  SectionKind,
  SectionView,
  SerializableOptions,
} from './types.js';
