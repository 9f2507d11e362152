import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import { writeDurably } from '../lib/durable-write.js';
import type { Subject } from './types.js';

/**
 * tfjs's own weight format: `tf.io.encodeWeights` of the state's named tensors (one
 * buffer and a JSON list of specs), written as [weights][specs JSON][u32 specs length]
 * with fsync; loading passes the file's own buffer to `tf.io.decodeWeights`, which
 * creates the tensors. Tensors only: the rest of a graph has no place in this format.
 */
export const tfjsSubject: Subject = {
  name: 'tfjs',
  label: 'tf.io weights',
  async save(_c, state, file) {
    const { data, specs } = await tf.io.encodeWeights(state.tensors.map(({ name, tensor }) => ({ name, tensor })));
    const specBytes = Buffer.from(JSON.stringify(specs), 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32LE(specBytes.byteLength);
    writeDurably(file, [new Uint8Array(data as ArrayBuffer), specBytes, length]);
  },
  async prepareLoad() {
    return undefined;
  },
  async load(_c, file) {
    const bytes = fs.readFileSync(file);
    const specLength = bytes.readUInt32LE(bytes.byteLength - 4);
    const specStart = bytes.byteLength - 4 - specLength;
    const specs = JSON.parse(bytes.toString('utf8', specStart, specStart + specLength)) as tf.io.WeightsManifestEntry[];
    const whole = bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
    const buffer = whole ? bytes.buffer : bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + specStart);
    return tf.io.decodeWeights(buffer as ArrayBuffer, specs);
  },
  files: (file) => [file],
};
