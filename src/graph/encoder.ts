import { CheckpointError, UnsupportedValueError } from '../errors.js';
import type { SectionPayload } from '../format/index.js';
import type { ClassEntry, Registry } from '../registry/index.js';
import type { EncodeContext, SectionInput } from '../registry/index.js';
import { ByteWriter } from './byte-writer.js';
import { formatPath, type PathStep } from './graph-path.js';
import { ARRAY_BUFFER_SECTION_THRESHOLD, DEFAULT_MAX_DEPTH, ERROR_CLASSES, isStackOverflow, Tag, TYPED_ARRAY_KINDS } from './tags.js';

export interface EncodeGraphOptions {
  registry: Registry;
  /** Passed to codecs as `ctx.options`. */
  options?: Readonly<Record<string, unknown>>;
  /** Deepest nesting accepted before `DEPTH_LIMIT`. Default 1000. */
  maxDepth?: number;
  /** Fields to leave out of particular `@serializable` instances (saveCheckpoint's `exclude`). */
  excludeFields?: ReadonlyMap<object, ReadonlySet<string>>;
}

export interface EncodedGraph {
  /** The graph stream (section 0 of the file). */
  graph: Uint8Array;
  /** Data sections, in order; section `i` here is section `i + 1` of the file. */
  sections: SectionPayload[];
}

type Handler = (enc: GraphEncoder, value: any) => void;

const TYPED_ARRAY_CODES = new Map<object, number>(TYPED_ARRAY_KINDS.map((C, i) => [C.prototype, i]));
const ERROR_PROTOS = new Set<object>([...ERROR_CLASSES.values()].map((C) => C.prototype));
const isWellFormed = (s: string): boolean => (s as unknown as { isWellFormed(): boolean }).isWellFormed();

/**
 * Walks a value into the graph stream. Every object gets an id when its definition
 * starts — before its children — so repeated objects and cycles are both written as
 * back-references. Constructor and codec objects are "pending" while their arguments
 * are written: a reference back to one of them is a cycle that cannot be rebuilt and
 * is refused at save time. Inverse: {@link decodeGraph}.
 */
export function encodeGraph(value: unknown, options: EncodeGraphOptions): EncodedGraph {
  const enc = new GraphEncoder(options);
  try {
    enc.value(value);
  } catch (err) {
    if (isStackOverflow(err)) {
      throw new CheckpointError('DEPTH_LIMIT', 'the graph is nested too deeply for the stack; flatten it, or raise maxDepth together with node --stack-size', { path: enc.path(), cause: err });
    }
    throw err;
  }
  return { graph: enc.out.result(), sections: enc.sections };
}

class GraphEncoder implements EncodeContext {
  readonly out = new ByteWriter();
  readonly sections: SectionPayload[] = [];
  readonly options: Readonly<Record<string, unknown>>;
  private readonly registry: Registry;
  private readonly maxDepth: number;
  private readonly excludeFields: ReadonlyMap<object, ReadonlySet<string>> | undefined;
  private readonly objectIds = new Map<object, number>();
  private readonly pending = new Set<object>();
  private readonly stringIds = new Map<string, number>();
  private readonly sectionKeys = new Map<unknown, number>();
  private readonly steps: PathStep[] = [];
  private depth = 0;

  constructor(options: EncodeGraphOptions) {
    this.registry = options.registry;
    this.options = options.options ?? {};
    this.maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.excludeFields = options.excludeFields;
  }

  path(): string {
    return formatPath(this.steps);
  }

  addSection(section: SectionInput): number {
    if (section.dedupKey !== undefined) {
      const known = this.sectionKeys.get(section.dedupKey);
      if (known !== undefined) return known;
    }
    const { dedupKey, ...payload } = section;
    this.sections.push(payload);
    const index = this.sections.length; // file section index: 0 is the graph
    if (dedupKey !== undefined) this.sectionKeys.set(dedupKey, index);
    return index;
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.number(v);
        return;
      case 'string':
        this.string(v);
        return;
      case 'boolean':
        this.out.u8(v ? Tag.TRUE : Tag.FALSE);
        return;
      case 'undefined':
        this.out.u8(Tag.UNDEFINED);
        return;
      case 'bigint':
        this.bigint(v);
        return;
      case 'symbol':
        throw new UnsupportedValueError('UNSUPPORTED_VALUE', `cannot save a symbol (${String(v)}); store its description as a string instead`, { path: this.path() });
      case 'function':
      case 'object':
        if (v === null) {
          this.out.u8(Tag.NULL);
          return;
        }
        this.object(v);
    }
  }

  private number(v: number): void {
    if ((v | 0) === v && !Object.is(v, -0)) {
      this.out.u8(Tag.INT);
      this.out.varint(((v << 1) ^ (v >> 31)) >>> 0);
    } else {
      this.out.u8(Tag.FLOAT64);
      this.out.f64(v);
    }
  }

  string(s: string): void {
    const id = this.stringIds.get(s);
    if (id !== undefined) {
      this.out.u8(Tag.STRING_REF);
      this.out.varint(id);
      return;
    }
    this.stringIds.set(s, this.stringIds.size);
    if (isWellFormed(s)) {
      this.out.u8(Tag.STRING);
      this.out.utf8(s);
    } else {
      this.out.u8(Tag.STRING16);
      this.out.utf16(s);
    }
  }

  private bigint(v: bigint): void {
    this.out.u8(Tag.BIGINT);
    const negative = v < 0n;
    let magnitude = negative ? -v : v;
    const bytes: number[] = [];
    while (magnitude > 0n) {
      bytes.push(Number(magnitude & 0xffn));
      magnitude >>= 8n;
    }
    this.out.u8(negative ? 1 : 0);
    this.out.varint(bytes.length);
    this.out.bytes(Uint8Array.from(bytes));
  }

  private object(v: object): void {
    const id = this.objectIds.get(v);
    if (id !== undefined) {
      if (this.pending.has(v)) {
        throw new CheckpointError(
          'CONSTRUCTOR_CYCLE',
          'an object stored by its constructor arguments (or a codec) is reachable from those arguments; it cannot be rebuilt. ' +
            'Register the class with @serializable instead, or break the cycle',
          { path: this.path() },
        );
      }
      this.out.u8(Tag.REF);
      this.out.varint(id);
      return;
    }
    if (++this.depth > this.maxDepth) {
      throw new CheckpointError('DEPTH_LIMIT', `the graph is nested deeper than ${this.maxDepth} levels; raise maxDepth or flatten it`, { path: this.path() });
    }
    this.objectIds.set(v, this.objectIds.size);
    if (typeof v === 'function') {
      this.func(v);
    } else {
      const proto = Object.getPrototypeOf(v) as object | null;
      const handler: Handler | undefined = proto === null ? nullProtoObject : BUILTIN_HANDLERS.get(proto);
      if (handler) handler(this, v);
      else this.other(v, proto!);
    }
    this.depth--;
  }

  private func(fn: Function): void {
    const name = this.registry.functionName(fn);
    if (name === undefined) {
      throw new UnsupportedValueError(
        'UNREGISTERED_FUNCTION',
        `cannot save function ${fn.name ? `"${fn.name}"` : '(anonymous)'}: it is not registered; call registerFunction("<stable name>", fn) in the module that defines it`,
        { path: this.path() },
      );
    }
    this.out.u8(Tag.FUNCTION);
    this.string(name);
  }

  private other(v: object, proto: object): void {
    const entry = this.registry.lookup(v);
    if (entry) return this.registered(v, entry);
    const code = TYPED_ARRAY_CODES.get(proto);
    if (code !== undefined) return this.typedArray(v as ArrayBufferView, code);
    if (Buffer.isBuffer(v)) return this.nodeBuffer(v);
    if (ERROR_PROTOS.has(proto)) return this.error(v as Error);
    const ctorName = (proto as { constructor?: { name?: string } }).constructor?.name || '(anonymous class)';
    const ancestor = this.registry.registeredAncestor(v);
    const hint = ancestor
      ? `; it extends the registered "${ancestor.name}", but a subclass must be registered itself (decorate ${ctorName} too)`
      : ArrayBuffer.isView(v) || v instanceof SharedArrayBuffer || v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise
        ? '; this built-in kind is not supported'
        : `; decorate it with @serializable() or @constructorSerialized(), or registerCodec(${ctorName}, ...)`;
    throw new UnsupportedValueError('UNREGISTERED_CLASS', `cannot save an instance of ${ctorName}: its class is not registered${hint}`, { path: this.path() });
  }

  private registered(v: object, entry: ClassEntry): void {
    const out = this.out;
    if (entry.kind === 'fields') {
      const { getState } = entry.options;
      if (getState) {
        out.u8(Tag.CLASS_STATE);
        this.string(entry.name);
        out.varint(entry.version);
        this.steps.push({ label: '<state>' });
        this.value(getState(v));
        this.steps.pop();
        return;
      }
      out.u8(Tag.CLASS_FIELDS);
      this.string(entry.name);
      out.varint(entry.version);
      const extra = this.excludeFields?.get(v);
      const keys =
        entry.exclude.size === 0 && !extra ? Object.keys(v) : Object.keys(v).filter((k) => !entry.exclude.has(k) && !extra?.has(k));
      this.fields(v as unknown as Record<string, unknown>, keys);
      return;
    }
    this.pending.add(v);
    if (entry.kind === 'constructor') {
      const args = entry.argsOf(v);
      if (!Array.isArray(args)) {
        throw new CheckpointError(
          'NO_CONSTRUCTOR_ARGS',
          `no constructor arguments are known for this ${entry.name}: it was not built with \`new\` through the decorated class; pass { args: (obj) => [...] } to @constructorSerialized`,
          { path: this.path() },
        );
      }
      out.u8(Tag.CONSTRUCTOR);
      this.string(entry.name);
      out.varint(entry.version);
      this.steps.push({ label: '<args>' });
      this.value(args);
      this.steps.pop();
    } else {
      let encoded: unknown;
      try {
        encoded = entry.encode(v, this);
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to encode: ${(err as Error)?.message ?? String(err)}`, { path: this.path(), cause: err });
      }
      out.u8(Tag.CODEC);
      this.string(entry.name);
      out.varint(entry.version);
      this.steps.push({ label: `<${entry.name}>` });
      this.value(encoded);
      this.steps.pop();
    }
    this.pending.delete(v);
  }

  fields(v: Record<string, unknown>, keys: readonly string[]): void {
    this.out.varint(keys.length);
    const steps = this.steps;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      this.string(key);
      steps.push(key);
      this.value(v[key]);
      steps.pop();
    }
  }

  array(v: unknown[]): void {
    const out = this.out;
    out.u8(Tag.ARRAY);
    const n = v.length;
    out.varint(n);
    const steps = this.steps;
    for (let i = 0; i < n; i++) {
      if (!(i in v)) {
        out.u8(Tag.HOLE);
        continue;
      }
      steps.push(i);
      this.value(v[i]);
      steps.pop();
    }
  }

  map(v: Map<unknown, unknown>): void {
    this.out.u8(Tag.MAP);
    this.out.varint(v.size);
    let i = 0;
    for (const [key, val] of v) {
      this.steps.push({ mapEntryKey: i++ });
      this.value(key);
      this.steps.pop();
      this.steps.push({ mapKey: key });
      this.value(val);
      this.steps.pop();
    }
  }

  set(v: Set<unknown>): void {
    this.out.u8(Tag.SET);
    this.out.varint(v.size);
    let i = 0;
    for (const item of v) {
      this.steps.push({ setItem: i++ });
      this.value(item);
      this.steps.pop();
    }
  }

  arrayBuffer(v: ArrayBuffer): void {
    if (v.byteLength >= ARRAY_BUFFER_SECTION_THRESHOLD) {
      this.out.u8(Tag.ARRAY_BUFFER_SECTION);
      this.out.varint(this.addSection({ kind: 'bytes', data: new Uint8Array(v) }));
    } else {
      this.out.u8(Tag.ARRAY_BUFFER);
      this.out.varint(v.byteLength);
      this.out.bytes(new Uint8Array(v));
    }
  }

  typedArray(v: ArrayBufferView, code: number): void {
    if (!(v.buffer instanceof ArrayBuffer)) {
      throw new UnsupportedValueError('UNSUPPORTED_VALUE', 'cannot save a typed array over a SharedArrayBuffer', { path: this.path() });
    }
    this.out.u8(Tag.TYPED_ARRAY);
    this.out.u8(code);
    this.steps.push({ label: 'buffer' });
    this.value(v.buffer);
    this.steps.pop();
    this.out.varint(v.byteOffset);
    this.out.varint((v as unknown as { length: number }).length);
  }

  dataView(v: DataView): void {
    if (!(v.buffer instanceof ArrayBuffer)) {
      throw new UnsupportedValueError('UNSUPPORTED_VALUE', 'cannot save a DataView over a SharedArrayBuffer', { path: this.path() });
    }
    this.out.u8(Tag.DATA_VIEW);
    this.steps.push({ label: 'buffer' });
    this.value(v.buffer);
    this.steps.pop();
    this.out.varint(v.byteOffset);
    this.out.varint(v.byteLength);
  }

  /** A Node Buffer is stored as its own bytes: small Buffers share a pool that must not leak into the file. */
  nodeBuffer(v: Buffer): void {
    this.out.u8(Tag.NODE_BUFFER);
    this.out.varint(v.byteLength);
    this.out.bytes(v);
  }

  error(v: Error): void {
    this.out.u8(Tag.ERROR);
    this.string(String(v.name));
    this.string(String(v.message));
    this.steps.push('stack');
    this.value(typeof v.stack === 'string' ? v.stack : undefined);
    this.steps.pop();
    this.steps.push('cause');
    this.value('cause' in v ? v.cause : undefined);
    this.steps.pop();
  }
}

function plainObject(enc: GraphEncoder, v: Record<string, unknown>): void {
  enc.out.u8(Tag.OBJECT);
  enc.fields(v, Object.keys(v));
}

function nullProtoObject(enc: GraphEncoder, v: Record<string, unknown>): void {
  enc.out.u8(Tag.NULL_PROTO_OBJECT);
  enc.fields(v, Object.keys(v));
}

const BUILTIN_HANDLERS = new Map<object, Handler>([
  [Object.prototype, plainObject],
  [Array.prototype, (enc, v) => enc.array(v)],
  [Map.prototype, (enc, v) => enc.map(v)],
  [Set.prototype, (enc, v) => enc.set(v)],
  [ArrayBuffer.prototype, (enc, v) => enc.arrayBuffer(v)],
  [DataView.prototype, (enc, v) => enc.dataView(v)],
  [
    Date.prototype,
    (enc, v: Date) => {
      enc.out.u8(Tag.DATE);
      enc.out.f64(v.getTime());
    },
  ],
  [
    RegExp.prototype,
    (enc, v: RegExp) => {
      enc.out.u8(Tag.REGEXP);
      enc.string(v.source);
      enc.string(v.flags);
    },
  ],
]);
