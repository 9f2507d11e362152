/** `#node-crypto` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const randomBytes = /* @__PURE__ */ unavailable('crypto.randomBytes');
export const randomUUID = (): string => globalThis.crypto.randomUUID();
