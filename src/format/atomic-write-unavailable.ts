/**
 * `#atomic-write` outside Node (package.json `imports`): there is no file system, so each
 * function throws `CheckpointError` `UNSUPPORTED_PLATFORM` when called, and a browser
 * bundle does not carry ./atomic-write.ts.
 */
import { unavailable } from '../no-node/unavailable.js';
import type * as node from './atomic-write.js';

export const writeAtomically: typeof node.writeAtomically = /* @__PURE__ */ unavailable('writeAtomically');
export const writeAtomicallySync: typeof node.writeAtomicallySync = /* @__PURE__ */ unavailable('writeAtomicallySync');
export const writevAllSync: typeof node.writevAllSync = /* @__PURE__ */ unavailable('writevAllSync');
export const writeAtomicallyWith: typeof node.writeAtomicallyWith = /* @__PURE__ */ unavailable('writeAtomicallyWith');
export type { PositionalSink } from './atomic-write.js';
