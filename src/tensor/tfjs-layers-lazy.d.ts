/** Types of `#tfjs-layers-lazy` (package.json `imports`): the package's own, and the function that loads it (./tfjs-layers-lazy-node.ts in Node). */
export * from '@tensorflow/tfjs-layers';
/** Loads @tensorflow/tfjs-layers if it is not loaded yet; until then, in Node, every other export of this module is `undefined`. */
export declare function loadTfjsLayers(): void;
