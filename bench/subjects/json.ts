import * as fs from 'node:fs';
import { writeDurably } from '../lib/durable-write.js';
import { fromPlain, toPlain } from '../lib/plain-graph.js';
import type { Subject } from './types.js';

/**
 * `JSON.stringify` of the same graph with tensors as plain arrays (cycles cut, shared
 * objects repeated), written as UTF-8 with fsync; loading is `JSON.parse` and creating
 * the tensors on the backend.
 */
export const jsonSubject: Subject = {
  name: 'json',
  label: 'JSON',
  async save(_c, state, file) {
    const plain = state.plain ? state.plain('array') : toPlain(state.value, 'array');
    writeDurably(file, [Buffer.from(JSON.stringify(plain), 'utf8')]);
  },
  async prepareLoad() {
    return undefined;
  },
  async load(c, file) {
    const graph = JSON.parse(fs.readFileSync(file, 'utf8'));
    return c.plainHasTensors === false ? graph : fromPlain(graph);
  },
  files: (file) => [file],
};
