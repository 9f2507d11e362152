import { load, save } from '../../src/index.js';
import type { Subject } from './types.js';

/** reprise itself: `save` (atomic: temp file, writev, fsync, rename, folder fsync) and `load`. */
export const repriseSubject: Subject = {
  name: 'reprise',
  label: 'reprise',
  async save(c, state, file) {
    if (c.save) await c.save(state, file);
    else await save(state.value, file);
  },
  async prepareLoad(c, variant, mode) {
    return c.prepareLoad ? c.prepareLoad(variant, mode) : undefined;
  },
  async load(c, file, prepared) {
    return c.load ? c.load(file, prepared) : load(file);
  },
  files: (file) => [file],
};
