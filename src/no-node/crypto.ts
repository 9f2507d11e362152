/** `#node-crypto` outside Node: see ./unavailable.ts. */
import { unavailable } from './unavailable.js';

export const randomBytes = unavailable('crypto.randomBytes');
export const randomUUID = (): string => globalThis.crypto.randomUUID();
