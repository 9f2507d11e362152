/**
 * reprise: save and resume long TensorFlow.js training runs exactly.
 * This file is the engine's door (`reprise`): the format, registry, graph, tensor and
 * checkpoint layers and the errors. The continual-learning layer has its own door,
 * `reprise/cl` (src/cl/index.ts).
 */
export * from './errors.js';
export {
  serializable,
  constructorSerialized,
  registerCodec,
  registerFunction,
  Registry,
  defaultRegistry,
} from './registry/index.js';
export type {
  CodecOptions,
  ConstructorSerializedOptions,
  SerializableOptions,
  EncodeContext,
  DecodeContext,
  SectionInput,
  SectionView,
} from './registry/index.js';
export {
  Device,
  initBackend,
  currentBackend,
  currentDeviceTag,
  servableDeviceTags,
  resolveDevice,
  registerTensorCodecs,
  storedVariableName,
} from './tensor/index.js';
export type { BackendName, MapLocation, TensorSaveOptions, TensorLoadOptions, TensorPlacementInfo } from './tensor/index.js';
export {
  serialize,
  deserialize,
  save,
  saveSync,
  load,
  loadSync,
  saveCheckpoint,
  maybeLoadCheckpoint,
  CheckpointPlugin,
  FileSystemCheckpointStorage,
  MemoryCheckpointStorage,
  IndexedDBCheckpointStorage,
  OPFSCheckpointStorage,
  StopSignal,
  registerGlobalState,
  S3CheckpointStorage,
  registerStorageScheme,
  flushCheckpointWrites,
} from './checkpoint/index.js';
export type {
  SerializeOptions,
  DeserializeOptions,
  CheckpointStorage,
  IndexedDBCheckpointStorageOptions,
  OPFSCheckpointStorageOptions,
  CheckpointPluginOptions,
  MaybeLoadOptions,
  RestoreReport,
  SaveCheckpointOptions,
  GlobalStateProvider,
  CheckpointReader,
  CheckpointLocation,
  CheckpointTarget,
  StorageTarget,
  StorageSchemeFactory,
  S3CheckpointStorageOptions,
  FileSystemCheckpointStorageOptions,
  CheckpointTiming,
} from './checkpoint/index.js';
export { FORMAT_VERSION, writeAtomically, writeAtomicallySync } from './format/index.js';
