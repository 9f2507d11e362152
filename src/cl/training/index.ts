export { Clock } from './clock.js';
export { Cumulative } from './cumulative.js';
export { crossEntropy } from './losses.js';
export type { Criterion } from './losses.js';
export { Naive } from './naive.js';
export { resetOptimizerState } from './optimizer-state.js';
export { SupervisedTemplate } from './template.js';
export type { StrategyPlugin, SupervisedTemplateOptions } from './template.js';
export { useFastWasmMatMul } from './wasm-matmul.js';
