export type { CLModel, MultiTaskModel } from './cl-model.js';
export { isMultiTaskModel } from './cl-model.js';
export { cloneLayersModel } from './clone.js';
export { IncrementalClassifier, asIncremental } from './incremental-classifier.js';
export { MultiTaskModule, asMultitask } from './multitask.js';
export { namedParameters, setTrainable, trainableVariables } from './parameters.js';
export type { NamedParameter } from './parameters.js';
export { SimpleMLP } from './simple-mlp.js';
export type { SimpleMLPOptions } from './simple-mlp.js';
