export { serialize, packValue } from './serialize.js';
export { deserialize, decodeContainer } from './deserialize.js';
export { save, saveSync } from './save.js';
export { load, loadSync } from './load.js';
export type { SerializeOptions, DeserializeOptions } from './options.js';
