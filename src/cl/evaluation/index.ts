export { EvaluationPlugin, defaultEvaluator } from './evaluation-plugin.js';
export type { EvaluationPluginOptions, MetricHistory, MetricResults } from './evaluation-plugin.js';
export type { MetricValue } from '../core/metric-value.js';
export * from './metrics/index.js';
