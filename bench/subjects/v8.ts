import * as fs from 'node:fs';
import * as v8 from 'node:v8';
import { writeDurably } from '../lib/durable-write.js';
import { fromPlain, toPlain } from '../lib/plain-graph.js';
import type { Subject } from './types.js';

/**
 * Node's structured clone: `v8.serialize` of the same graph with tensors as typed
 * arrays (shared references and cycles kept, classes lost), written with fsync;
 * loading is `v8.deserialize` and creating the tensors on the backend.
 */
export const v8Subject: Subject = {
  name: 'v8',
  label: 'v8.serialize',
  async save(_c, state, file) {
    const plain = state.plain ? state.plain('typed') : toPlain(state.value, 'typed');
    writeDurably(file, [v8.serialize(plain)]);
  },
  async prepareLoad() {
    return undefined;
  },
  async load(c, file) {
    const graph = v8.deserialize(fs.readFileSync(file));
    return c.plainHasTensors === false ? graph : fromPlain(graph);
  },
  files: (file) => [file],
};
