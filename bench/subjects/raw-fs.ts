import * as tf from '@tensorflow/tfjs';
import * as fs from 'node:fs';
import { writeDurably } from '../lib/durable-write.js';
import type { Subject } from './types.js';

interface Manifest {
  tensors: { name: string; dtype: string; shape: number[]; offset: number; length: number }[];
}

/**
 * The disk's limit: the state's tensor bytes, read off the backend (`dataSync`), written
 * back to back with `writev` and `fsync`ed; a small JSON manifest of names and shapes
 * goes beside them (not fsynced). Loading reads the file once and creates each tensor on
 * the backend from a view of it. No objects, no checksums, no atomic rename.
 */
export const rawFsSubject: Subject = {
  name: 'fs',
  label: 'fs (fsync)',
  async save(_c, state, file) {
    const manifest: Manifest = { tensors: [] };
    const chunks: Uint8Array[] = [];
    let offset = 0;
    for (const { name, tensor } of state.tensors) {
      const values = tensor.dataSync() as unknown as ArrayBufferView;
      const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      manifest.tensors.push({ name, dtype: tensor.dtype, shape: [...tensor.shape], offset, length: bytes.byteLength });
      chunks.push(bytes);
      offset += bytes.byteLength;
    }
    writeDurably(file, chunks);
    fs.writeFileSync(`${file}.manifest.json`, JSON.stringify(manifest));
  },
  async prepareLoad() {
    return undefined;
  },
  async load(_c, file) {
    const manifest = JSON.parse(fs.readFileSync(`${file}.manifest.json`, 'utf8')) as Manifest;
    const bytes = fs.readFileSync(file);
    return manifest.tensors.map(({ dtype, shape, offset, length }) => {
      const at = bytes.byteOffset + offset;
      const values =
        dtype === 'int32' ? new Int32Array(bytes.buffer, at, length / 4) : dtype === 'bool' ? new Uint8Array(bytes.buffer, at, length) : new Float32Array(bytes.buffer, at, length / 4);
      return tf.tensor(values, shape, dtype as tf.DataType);
    });
  },
  files: (file) => [file, `${file}.manifest.json`],
};
