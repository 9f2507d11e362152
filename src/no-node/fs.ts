/** `#node-fs` outside Node: see ./unavailable.ts. */
import { unavailable, unavailableNamespace } from './unavailable.js';

export const promises = /* @__PURE__ */ unavailableNamespace('fs.promises');
export const readFileSync = /* @__PURE__ */ unavailable('fs.readFileSync');
export const writeFileSync = /* @__PURE__ */ unavailable('fs.writeFileSync');
export const writevSync = /* @__PURE__ */ unavailable('fs.writevSync');
export const openSync = /* @__PURE__ */ unavailable('fs.openSync');
export const closeSync = /* @__PURE__ */ unavailable('fs.closeSync');
export const fsyncSync = /* @__PURE__ */ unavailable('fs.fsyncSync');
export const renameSync = /* @__PURE__ */ unavailable('fs.renameSync');
export const rmSync = /* @__PURE__ */ unavailable('fs.rmSync');
export const mkdirSync = /* @__PURE__ */ unavailable('fs.mkdirSync');
export const existsSync = /* @__PURE__ */ unavailable('fs.existsSync');
export const statSync = /* @__PURE__ */ unavailable('fs.statSync');
export const readdirSync = /* @__PURE__ */ unavailable('fs.readdirSync');
export const open = /* @__PURE__ */ unavailable('fs.open');
export const close = /* @__PURE__ */ unavailable('fs.close');
export const fstat = /* @__PURE__ */ unavailable('fs.fstat');
export const read = /* @__PURE__ */ unavailable('fs.read');
export class Stats {}
export const constants = {};
