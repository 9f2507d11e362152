/** `#node-url` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const fileURLToPath = /* @__PURE__ */ unavailable('url.fileURLToPath');
export const pathToFileURL = /* @__PURE__ */ unavailable('url.pathToFileURL');
