import { registerTensorCodecs } from './register.js';

export { Device } from './device.js';
export { initBackend, currentBackend, currentDeviceTag, nativeBackendAvailable, servableDeviceTags } from './backend.js';
export type { BackendName } from './backend.js';
export { resolveDevice } from './map-location.js';
export type { MapLocation, TensorPlacementInfo } from './map-location.js';
export type { TensorSaveOptions, TensorLoadOptions } from './options.js';
export { deviceTagFor } from './device-tag.js';
export { encodeTensorRecord, decodeTensorRecord, TENSOR_DTYPES } from './tensor-record.js';
export type { TensorRecord, TensorDtype } from './tensor-record.js';
export { storedVariableName } from './variable-codec.js';
export type { VariableRecord } from './variable-codec.js';
export type { ModelRecord, LayerTrainability } from './model-codec.js';
export { OPTIMIZER_CODEC_NAMES } from './optimizer-codec.js';
export type { OptimizerRecord, SlotRecord } from './optimizer-codec.js';
export { DEVICE_CODEC_NAME } from './device-codec.js';
export { TENSOR_CODEC_NAME } from './tensor-codec.js';
export { VARIABLE_CODEC_NAME } from './variable-codec.js';
export { SEQUENTIAL_CODEC_NAME, LAYERS_MODEL_CODEC_NAME } from './model-codec.js';
export { registerTensorCodecs };

registerTensorCodecs();
