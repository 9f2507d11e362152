export { encodeGraph } from './encoder.js';
export type { EncodeGraphOptions, EncodedGraph } from './encoder.js';
export { decodeGraph, inspectGraph } from './decoder.js';
export type { DecodeGraphOptions, DecodeStats, GraphSummary, InspectGraphOptions } from './decoder.js';
export { UniqueObjectIndex } from './unique-object-index.js';
export { canonicalKey } from './canonical-key.js';
export { formatPath } from './graph-path.js';
export type { PathStep } from './graph-path.js';
export { Tag } from './tags.js';
