/** `#node-path` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const join = /* @__PURE__ */ unavailable('path.join');
export const dirname = /* @__PURE__ */ unavailable('path.dirname');
export const basename = /* @__PURE__ */ unavailable('path.basename');
export const resolve = /* @__PURE__ */ unavailable('path.resolve');
export const relative = /* @__PURE__ */ unavailable('path.relative');
export const isAbsolute = /* @__PURE__ */ unavailable('path.isAbsolute');
export const extname = /* @__PURE__ */ unavailable('path.extname');
export const sep = '/';
