/** `#node-path` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const join = unavailable('path.join');
export const dirname = unavailable('path.dirname');
export const basename = unavailable('path.basename');
export const resolve = unavailable('path.resolve');
export const relative = unavailable('path.relative');
export const isAbsolute = unavailable('path.isAbsolute');
export const extname = unavailable('path.extname');
export const sep = '/';
