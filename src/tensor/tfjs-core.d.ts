/** Types of `#tfjs-core` (package.json `imports`): the package's own (./tfjs-core-node.ts in Node). */
export * from '@tensorflow/tfjs-core';
