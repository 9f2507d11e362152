/** Types of `#tfjs-layers` (package.json `imports`): the package's own (./tfjs-layers-node.ts in Node). */
export * from '@tensorflow/tfjs-layers';
