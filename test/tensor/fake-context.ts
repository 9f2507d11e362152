/**
 * A small in-memory stand-in for the graph layer, for testing codecs on their own:
 * it walks plain values (arrays, plain objects, Maps, primitives), keeps object
 * identity, calls registered codecs recursively and lays the sections out in one
 * buffer at 64-byte aligned offsets, as the file format does.
 */
import { CheckpointFormatError, UnsupportedValueError } from '../../src/errors.js';
import { sectionBytesSync } from '../../src/format/index.js';
import type { DecodeContext, EncodeContext, Registry, SectionInput, SectionView } from '../../src/registry/index.js';
import { defaultRegistry } from '../../src/registry/index.js';

export type Node =
  | { t: 'prim'; v: unknown }
  | { t: 'ref'; id: number }
  | { t: 'array'; id: number; items: Node[] }
  | { t: 'object'; id: number; entries: [string, Node][] }
  | { t: 'map'; id: number; entries: [Node, Node][] }
  | { t: 'codec'; id: number; name: string; version: number; value: Node };

export interface StoredSection {
  kind: SectionInput['kind'];
  offset: number;
  length: number;
  dtype: string;
  shape: number[];
  device: string;
}

export interface FakeFile {
  root: Node;
  sections: StoredSection[];
  /** All section bytes; sections start at `base + multiple of 64`. */
  bytes: Uint8Array;
}

export interface FakeOptions {
  registry?: Registry;
  options?: Record<string, unknown>;
  /** Offset of the whole file inside its ArrayBuffer (non-zero misaligns every section). Default 0. */
  base?: number;
}

const ALIGN = 64;

class FakeEncoder implements EncodeContext {
  readonly sections: { input: SectionInput }[] = [];
  private readonly dedup = new Map<unknown, number>();
  private readonly ids = new Map<object, number>();
  private readonly steps: string[] = [];

  constructor(private readonly registry: Registry, readonly options: Record<string, unknown>) {}

  path(): string {
    return this.steps.join('');
  }

  addSection(section: SectionInput): number {
    if (section.dedupKey !== undefined && this.dedup.has(section.dedupKey)) return this.dedup.get(section.dedupKey)!;
    const index = this.sections.length;
    this.sections.push({ input: section });
    if (section.dedupKey !== undefined) this.dedup.set(section.dedupKey, index);
    return index;
  }

  value(v: unknown): Node {
    if (v === null || typeof v !== 'object') {
      if (typeof v === 'function' || typeof v === 'symbol') throw new UnsupportedValueError('UNSUPPORTED_VALUE', `cannot store a ${typeof v}`, { path: this.path() });
      return { t: 'prim', v };
    }
    const seen = this.ids.get(v);
    if (seen !== undefined) return { t: 'ref', id: seen };
    const id = this.ids.size;
    this.ids.set(v, id);
    if (Array.isArray(v)) return { t: 'array', id, items: v.map((x, i) => this.step(`[${i}]`, () => this.value(x))) };
    if (v instanceof Map) return { t: 'map', id, entries: [...v].map(([k, x]) => [this.value(k), this.step(`.get(${String(k)})`, () => this.value(x))]) };
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      return { t: 'object', id, entries: Object.entries(v).map(([k, x]) => [k, this.step(`.${k}`, () => this.value(x))]) };
    }
    const entry = this.registry.lookup(v);
    if (!entry || entry.kind !== 'codec') {
      throw new UnsupportedValueError('UNREGISTERED_CLASS', `no codec for ${proto?.constructor?.name}`, { path: this.path() });
    }
    const encoded = entry.encode(v, this);
    return { t: 'codec', id, name: entry.name, version: entry.version, value: this.step(`<${entry.name}>`, () => this.value(encoded)) };
  }

  private step<T>(label: string, fn: () => T): T {
    this.steps.push(label);
    try {
      return fn();
    } finally {
      this.steps.pop();
    }
  }
}

class FakeDecoder implements DecodeContext {
  private readonly objects = new Map<number, unknown>();
  private readonly steps: string[] = [];

  constructor(private readonly registry: Registry, readonly options: Record<string, unknown>, private readonly file: FakeFile) {}

  path(): string {
    return this.steps.join('');
  }

  section(index: number): SectionView {
    const s = this.file.sections[index];
    if (!s) throw new CheckpointFormatError('BAD_SECTION', `there is no section ${index}`, { path: this.path() });
    return { kind: s.kind, data: this.file.bytes.subarray(s.offset, s.offset + s.length), dtype: s.dtype, shape: [...s.shape], device: s.device };
  }

  value(n: Node): unknown {
    switch (n.t) {
      case 'prim':
        return n.v;
      case 'ref':
        return this.objects.get(n.id);
      case 'array': {
        const out: unknown[] = [];
        this.objects.set(n.id, out);
        n.items.forEach((x, i) => out.push(this.step(`[${i}]`, () => this.value(x))));
        return out;
      }
      case 'map': {
        const out = new Map();
        this.objects.set(n.id, out);
        for (const [k, x] of n.entries) out.set(this.value(k), this.value(x));
        return out;
      }
      case 'object': {
        const out: Record<string, unknown> = {};
        this.objects.set(n.id, out);
        for (const [k, x] of n.entries) Object.defineProperty(out, k, { value: this.step(`.${k}`, () => this.value(x)), enumerable: true, writable: true, configurable: true });
        return out;
      }
      case 'codec': {
        const entry = this.registry.byStableName(n.name);
        if (!entry || entry.kind !== 'codec') throw new CheckpointFormatError('UNKNOWN_CLASS', `unknown codec ${n.name}`, { path: this.path() });
        const encoded = this.step(`<${n.name}>`, () => this.value(n.value));
        const obj = entry.decode(encoded, this, n.version);
        this.objects.set(n.id, obj);
        return obj;
      }
    }
  }

  private step<T>(label: string, fn: () => T): T {
    this.steps.push(label);
    try {
      return fn();
    } finally {
      this.steps.pop();
    }
  }
}

/** Encodes `value` with the registry's codecs into an in-memory file. */
export function fakeSave(value: unknown, opts: FakeOptions = {}): FakeFile {
  const encoder = new FakeEncoder(opts.registry ?? defaultRegistry, opts.options ?? {});
  const root = encoder.value(value);
  const base = opts.base ?? 0;
  let end = 0;
  const layout = encoder.sections.map(({ input }) => {
    const offset = Math.ceil(end / ALIGN) * ALIGN;
    end = offset + input.data.byteLength;
    return { input, offset };
  });
  const buffer = new ArrayBuffer(base + end);
  const bytes = new Uint8Array(buffer, base, end);
  const sections = layout.map(({ input, offset }) => {
    bytes.set(sectionBytesSync(input.data), offset);
    return { kind: input.kind, offset, length: input.data.byteLength, dtype: input.dtype ?? '', shape: [...(input.shape ?? [])], device: input.device ?? '' };
  });
  return { root, sections, bytes };
}

/** Decodes a file written by {@link fakeSave}. */
export function fakeLoad(file: FakeFile, opts: FakeOptions = {}): unknown {
  return new FakeDecoder(opts.registry ?? defaultRegistry, opts.options ?? {}, file).value(file.root);
}

/** `fakeLoad(fakeSave(value))`, with separate save and load options. */
export function fakeRoundTrip<T>(value: T, opts: { registry?: Registry; save?: Record<string, unknown>; load?: Record<string, unknown>; base?: number } = {}): T {
  const file = fakeSave(value, { registry: opts.registry, options: opts.save, base: opts.base });
  return fakeLoad(file, { registry: opts.registry, options: opts.load }) as T;
}

/** Every codec node named `name` in the file, outermost first, for tests that tamper with records. */
export function codecNodes(file: FakeFile, name: string): Extract<Node, { t: 'codec' }>[] {
  const found: Extract<Node, { t: 'codec' }>[] = [];
  const visit = (n: Node): void => {
    if (n.t === 'codec') {
      if (n.name === name) found.push(n);
      visit(n.value);
    } else if (n.t === 'array') n.items.forEach(visit);
    else if (n.t === 'object') n.entries.forEach(([, x]) => visit(x));
    else if (n.t === 'map') n.entries.forEach(([k, x]) => (visit(k), visit(x)));
  };
  visit(file.root);
  return found;
}

/** The plain-object node's field `key` (for tampering). */
export function field(n: Node, key: string): Node {
  if (n.t !== 'object') throw new Error(`not an object node: ${n.t}`);
  const hit = n.entries.find(([k]) => k === key);
  if (!hit) throw new Error(`no field ${key}`);
  return hit[1];
}

/** Replaces the plain-object node's field `key` with a primitive or a fresh node. */
export function setField(n: Node, key: string, value: Node): void {
  if (n.t !== 'object') throw new Error(`not an object node: ${n.t}`);
  const hit = n.entries.find(([k]) => k === key);
  if (hit) hit[1] = value;
  else n.entries.push([key, value]);
}
