/**
 * An independent reader of reprise checkpoints, written from docs/FORMAT.md alone: it
 * imports nothing of reprise but the generated FlatBuffers code and CRC-32C, and reads
 * the tensors of a file by following the spec. It checks what the spec says a reader
 * checks; where it throws, the message says which rule.
 */
import * as flatbuffers from 'flatbuffers';
import { crc32c } from '../../src/format/checksum.js';
import { Header } from '../../src/generated/checkpoint_generated.js';

export interface SpecSection {
  kind: 'graph' | 'bytes' | 'tensor';
  offset: number;
  length: number;
  dtype: string;
  shape: number[];
  device: string;
  bytes: Uint8Array;
}

export interface SpecTensor {
  dtype: string;
  shape: number[];
  device: string;
  /** The element values: numbers (float32, int32, bool, complex64 interleaved) or strings. */
  values: number[] | string[];
  section: number;
}

/** A CLASS_STATE, CONSTRUCTOR or CODEC value as this reader keeps it: the name, the version, the inner value. */
export class SpecCodecValue {
  constructor(
    readonly codec: string,
    readonly version: number,
    public value: unknown,
  ) {}
}

const MAGIC = [0x89, 0x52, 0x45, 0x50, 0x52, 0x49, 0x53, 0x45];
const KINDS = ['graph', 'bytes', 'tensor'] as const;
const ELEMENT_SIZE: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8 };

function fail(rule: string): never {
  throw new Error(`spec reader: ${rule}`);
}

/** Layout: preamble, header, sections (FORMAT.md "Layout", "Validation order"). */
export function readSections(file: Uint8Array): { sections: SpecSection[]; metadata: Record<string, string>; backend: string } {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (file.length < 32 || !MAGIC.every((b, i) => file[i] === b)) fail('magic');
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== 2) fail('version 1 or 2 (2: the file has packs)');
  const h = view.getUint32(12, true);
  if (view.getUint32(20, true) !== 0) fail('reserved bytes');
  if (view.getBigUint64(24, true) !== BigInt(file.length)) fail('total length');
  if (32 + h > file.length) fail('header fits');
  const headerBytes = file.subarray(32, 32 + h);
  if (crc32c(headerBytes) !== view.getUint32(16, true)) fail('header CRC');
  const header = Header.getRootAsHeader(new flatbuffers.ByteBuffer(headerBytes));
  const sections: SpecSection[] = [];
  let end = 32 + h;
  for (let i = 0; i < header.sectionsLength(); i++) {
    const s = header.sections(i)!;
    const kind = KINDS[s.kind()] ?? fail('section kind');
    const offset = Number(s.offset());
    const length = Number(s.length());
    if (offset % 64 !== 0) fail('alignment');
    if (offset < end) fail('non-decreasing offsets');
    if (offset + length > file.length) fail('section bounds');
    for (let p = end; p < offset; p++) if (file[p] !== 0) fail('zero padding');
    end = offset + length;
    const bytes = file.subarray(offset, offset + length);
    if (crc32c(bytes) !== s.crc32c()) fail(`section ${i} CRC`);
    const shape = Array.from({ length: s.shapeLength() }, (_, d) => Number(s.shape(d)));
    sections.push({ kind, offset, length, dtype: s.dtype() ?? '', shape, device: s.device() ?? '', bytes });
  }
  if (sections[0]?.kind !== 'graph' || sections.slice(1).some((s) => s.kind === 'graph')) fail('one graph section, first');
  const metadata: Record<string, string> = {};
  for (let i = 0; i < header.metadataLength(); i++) metadata[header.metadata(i)!.key()!] = header.metadata(i)!.value() ?? '';
  return { sections, metadata, backend: header.backend() ?? '' };
}

/** The graph stream (FORMAT.md "The graph stream"), read into plain values; recursion is fine for a test corpus. */
export function readGraph(graph: Uint8Array, sections: SpecSection[]): unknown {
  const view = new DataView(graph.buffer, graph.byteOffset, graph.byteLength);
  const strings: string[] = [];
  const objects: unknown[] = [];
  const usedBytes = new Set<number>();
  let pos = 0;
  const u8 = () => (pos < graph.length ? graph[pos++]! : fail('end of stream'));
  const varint = () => {
    let v = 0;
    for (let i = 0, scale = 1; i < 8; i++, scale *= 128) {
      const b = u8();
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v <= Number.MAX_SAFE_INTEGER ? v : fail('varint ≤ 2^53 − 1');
    }
    return fail('varint of at most 8 bytes');
  };
  const take = (n: number) => (pos + n <= graph.length ? graph.subarray(pos, (pos += n)) : fail('length within the stream'));
  const string = (): string => {
    const tag = u8();
    if (tag === 0x08) return strings[varint()] ?? fail('string id');
    if (tag === 0x06) return strings[strings.push(new TextDecoder('utf-8', { fatal: true }).decode(take(varint()))) - 1]!;
    if (tag === 0x07) {
      const b = take(2 * varint());
      let s = '';
      for (let i = 0; i < b.length; i += 2) s += String.fromCharCode(b[i]! | (b[i + 1]! << 8));
      return strings[strings.push(s) - 1]!;
    }
    return fail('a string value');
  };
  const fields = (into: Record<string, unknown>) => {
    const n = varint();
    for (let i = 0; i < n; i++) {
      const key = string();
      Object.defineProperty(into, key, { value: value(), enumerable: true, writable: true, configurable: true });
    }
    return into;
  };
  const value = (): unknown => {
    const tag = u8();
    switch (tag) {
      case 0x00: return undefined;
      case 0x01: return null;
      case 0x02: return false;
      case 0x03: return true;
      case 0x04: {
        const z = varint();
        if (z > 0xffffffff) fail('INT range');
        return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      }
      case 0x05: return view.getFloat64((pos += 8) - 8, true);
      case 0x06: case 0x07: case 0x08: pos--; return string();
      case 0x09: {
        const negative = u8() === 1;
        const mag = take(varint());
        let v = 0n;
        for (let i = mag.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(mag[i]!);
        return negative ? -v : v;
      }
      case 0x0a: return objects[varint()] ?? fail('object id');
      case 0x0b: return undefined; // HOLE: this reader does not keep holes
    }
    const id = objects.push(undefined) - 1;
    const define = <T>(v: T): T => (objects[id] = v);
    switch (tag) {
      case 0x10: {
        const arr = define([] as unknown[]);
        const n = varint();
        for (let i = 0; i < n; i++) arr.push(value());
        return arr;
      }
      case 0x11: case 0x12: case 0x1c: {
        const cls = tag === 0x1c ? { class: string(), version: varint() } : undefined;
        const obj = define(Object.create(null) as Record<string, unknown>);
        fields(obj);
        return cls ? define({ ...cls, fields: obj }) : obj;
      }
      case 0x13: {
        const map = define(new Map());
        const n = varint();
        for (let i = 0; i < n; i++) map.set(value(), value());
        return map;
      }
      case 0x14: {
        const set = define(new Set());
        const n = varint();
        for (let i = 0; i < n; i++) set.add(value());
        return set;
      }
      case 0x15: return define(new Date(view.getFloat64((pos += 8) - 8, true)));
      case 0x16: return define({ regexp: string(), flags: string() });
      case 0x17: case 0x21: return define(take(varint()).slice());
      case 0x18: {
        const index = varint();
        if (sections[index]?.kind !== 'bytes' || usedBytes.has(index)) fail('a Bytes section, defined once');
        usedBytes.add(index);
        return define(sections[index]!.bytes.slice());
      }
      case 0x19: return define({ kind: u8(), buffer: value(), byteOffset: varint(), length: varint() });
      case 0x1a: return define({ buffer: value(), byteOffset: varint(), byteLength: varint() });
      case 0x1b: return define({ name: string(), message: string(), stack: value(), cause: value() });
      case 0x1d: case 0x1e: case 0x1f: {
        const v = define(new SpecCodecValue(string(), varint(), undefined));
        v.value = value();
        return v;
      }
      case 0x20: return define({ function: string() });
      default: return fail(`tag 0x${tag.toString(16)}`);
    }
  };
  const root = value();
  if (pos !== graph.length) fail('nothing after the root');
  return root;
}

/**
 * A tensor record `{section, dtype, shape}` read against its section, or a packed one
 * `{section, dtype, shape, offset}` against its pack (FORMAT.md "The tensor record", "Packs").
 */
export function readTensor(record: unknown, sections: SpecSection[]): SpecTensor {
  const { section, dtype, shape, offset } = record as { section: number; dtype: string; shape: number[]; offset?: number };
  const count = shape.reduce((a, b) => a * b, 1);
  let s = sections[section];
  if (offset !== undefined) {
    if (s?.kind !== 'bytes' || dtype === 'string') fail('a packed tensor record names a Bytes section, and is not a string');
    const length = count * (ELEMENT_SIZE[dtype] ?? fail('dtype'));
    if (offset + length > s.length) fail('a packed tensor lies inside its pack');
    s = { ...s, kind: 'tensor', dtype, length, bytes: s.bytes.subarray(offset, offset + length) };
  }
  if (s?.kind !== 'tensor' || s.dtype !== dtype) fail('a tensor record names a tensor section of its dtype');
  const d = new DataView(s.bytes.buffer, s.bytes.byteOffset, s.bytes.byteLength);
  if (dtype === 'string') {
    const n = d.getUint32(0, true);
    if (n !== count) fail('string count = product(shape)');
    const values: string[] = [];
    let at = 4 + 4 * n;
    for (let i = 0; i < n; i++) {
      const len = d.getUint32(4 + 4 * i, true);
      values.push(new TextDecoder().decode(s.bytes.subarray(at, (at += len))));
    }
    return { dtype, shape, device: s.device, values, section };
  }
  const size = ELEMENT_SIZE[dtype] ?? fail('dtype');
  if (count * size !== s.length) fail('product(record shape) × element size = section length');
  const values: number[] = [];
  for (let at = 0; at < s.length; at += dtype === 'bool' ? 1 : 4) {
    values.push(dtype === 'bool' ? s.bytes[at]! : dtype === 'int32' ? d.getInt32(at, true) : d.getFloat32(at, true));
  }
  return { dtype, shape, device: s.device, values, section };
}

/** Every tensor in a file, in stream order, with the codec that holds it (FORMAT.md "Records of the built-in codecs"). */
export function readTensors(file: Uint8Array): Array<{ codec: string; tensor: SpecTensor }> {
  const { sections } = readSections(file);
  const root = readGraph(sections[0]!.bytes, sections);
  const out: Array<{ codec: string; tensor: SpecTensor }> = [];
  const seen = new Set<unknown>();
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null || seen.has(v) || v instanceof Uint8Array) return;
    seen.add(v);
    if (v instanceof SpecCodecValue) {
      const c = v;
      const r = c.value as Record<string, any>;
      if (c.codec === 'tf.Tensor') out.push({ codec: c.codec, tensor: readTensor(r, sections) });
      else if (c.codec === 'tf.Variable') out.push({ codec: c.codec, tensor: readTensor(r.value, sections) });
      else if (c.codec === 'tf.Sequential' || c.codec === 'tf.LayersModel') {
        for (const w of r.weights as Array<{ value: unknown }>) out.push({ codec: c.codec, tensor: readTensor(w.value, sections) });
        visit(r.compiled);
        return;
      } else if (/^tf\.\w+Optimizer$/.test(c.codec)) {
        for (const list of Object.values(r.slots as Record<string, Array<{ value: unknown } | null>>)) {
          for (const slot of list) if (slot) out.push({ codec: c.codec, tensor: readTensor(slot.value, sections) });
        }
        for (const st of Object.values(r.state as Record<string, { value: unknown }>)) out.push({ codec: c.codec, tensor: readTensor(st.value, sections) });
        return;
      }
      visit(c.value);
      return;
    }
    const children = v instanceof Map ? [...v.keys(), ...v.values()] : v instanceof Set ? [...v] : Object.values(v);
    children.forEach(visit);
  };
  visit(root);
  return out;
}
