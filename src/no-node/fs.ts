/** `#node-fs` outside Node: see ./unavailable.ts. */
import { unavailable, unavailableNamespace } from './unavailable.js';

export const promises = unavailableNamespace('fs.promises');
export const readFileSync = unavailable('fs.readFileSync');
export const writeFileSync = unavailable('fs.writeFileSync');
export const writevSync = unavailable('fs.writevSync');
export const openSync = unavailable('fs.openSync');
export const closeSync = unavailable('fs.closeSync');
export const fsyncSync = unavailable('fs.fsyncSync');
export const renameSync = unavailable('fs.renameSync');
export const rmSync = unavailable('fs.rmSync');
export const mkdirSync = unavailable('fs.mkdirSync');
export const existsSync = unavailable('fs.existsSync');
export const statSync = unavailable('fs.statSync');
export const readdirSync = unavailable('fs.readdirSync');
export const open = unavailable('fs.open');
export const close = unavailable('fs.close');
export const fstat = unavailable('fs.fstat');
export const read = unavailable('fs.read');
export class Stats {}
export const constants = {};
