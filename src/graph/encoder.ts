import { CheckpointError, UnsupportedValueError, type ErrorCode } from '../errors.js';
import type { SectionPayload } from '../format/index.js';
import type { ClassEntry, ConstructorEntry, Registry } from '../registry/index.js';
import type { EncodeContext, SectionInput } from '../registry/index.js';
import { ByteWriter } from './byte-writer.js';
import { formatPath, type PathStep } from './graph-path.js';
import { isNodeBuffer } from '../platform.js';
import { ARRAY_BUFFER_SECTION_THRESHOLD, ERROR_CLASSES, Tag, TYPED_ARRAY_KINDS } from './tags.js';

export interface EncodeGraphOptions {
  registry: Registry;
  /** Passed to codecs as `ctx.options`. */
  options?: Readonly<Record<string, unknown>>;
  /**
   * Deepest nesting of objects accepted before `DEPTH_LIMIT`. Default: no limit (the
   * walk is iterative: depth costs one small frame per level, never stack).
   */
  maxDepth?: number;
  /** Fields to leave out of particular `@serializable` instances (saveCheckpoint's `exclude`). */
  excludeFields?: ReadonlyMap<object, ReadonlySet<string>>;
  /**
   * Canonical keys only (see `CanonicalKeys`), never files: a constructor-serialized object
   * for which this returns a number is written as {@link KEYED} and that number instead
   * of its arguments, wherever it appears (never as a reference: it stands for its value;
   * `null`: as 0, the key is not final); `undefined`: written as usual.
   */
  keyed?: (obj: object, entry: ConstructorEntry) => number | null | undefined;
}

/** The byte that stands for a keyed object in a canonical key (no tag of the file format has it). */
export const KEYED = 0xff;

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
 * is refused at save time. Iterative (an explicit stack of open objects), so depth
 * costs memory, never stack. Only own enumerable string-keyed properties are stored:
 * symbol keys and non-enumerable properties are dropped, as `Object.keys` and
 * `structuredClone` drop them. Inverse: {@link decodeGraph}.
 * @throws UnsupportedValueError for what cannot be saved; CheckpointError
 *   `GETTER_FAILED`, `GET_STATE_FAILED` or `ARGS_FAILED` (with the graph path and the
 *   original error as `cause`) when a getter, `getState` or an `args` function throws.
 */
export function encodeGraph(value: unknown, options: EncodeGraphOptions): EncodedGraph {
  const enc = new GraphEncoder(options);
  enc.run(value);
  return { graph: enc.out.result(), sections: enc.sections };
}

/** Frame kinds of the encoder: one open object whose children are being written. */
const enum F {
  ARRAY,
  FIELDS,
  MAP,
  SET,
  /** A fixed list of labelled inner values (constructor arguments, codec value, state, view buffer, error stack and cause). */
  INNER,
}

/** One open object. Frames are reused (a pool as deep as the deepest nesting), so a wide graph allocates none per object. */
class Frame {
  kind: F = F.ARRAY;
  /** The object (ARRAY, FIELDS) or the values (INNER). */
  v: any = undefined;
  n = 0;
  /** FIELDS: the keys; INNER: the path steps of the values; MAP/SET: the iterator. */
  aux: any = undefined;
  /** Called when the frame is done (the varints after a view's buffer; leaving the pending set). */
  done: (() => void) | undefined = undefined;
  i = 0;
  /** Whether a path step of the current child is on the path. */
  stepped = false;
  /** A Map entry whose key is written and whose value is next. */
  entry: [unknown, unknown] | undefined = undefined;

  reset(kind: F, v: unknown, n: number, aux: unknown, done: (() => void) | undefined): this {
    this.kind = kind;
    this.v = v;
    this.n = n;
    this.aux = aux;
    this.done = done;
    this.i = 0;
    this.stepped = false;
    this.entry = undefined;
    return this;
  }
}

/** A canonical key's encoding (constructor arguments, nested objects as key ids) is small: its writer starts small. */
const KEY_WRITER_SIZE = 256;

class GraphEncoder implements EncodeContext {
  readonly out: ByteWriter;
  readonly sections: SectionPayload[] = [];
  readonly options: Readonly<Record<string, unknown>>;
  readonly #registry: Registry;
  readonly #maxDepth: number;
  readonly #excludeFields: ReadonlyMap<object, ReadonlySet<string>> | undefined;
  readonly #keyed: EncodeGraphOptions['keyed'];
  readonly #keyedIds: Map<object, number> | undefined;
  readonly #objectIds = new Map<object, number>();
  readonly #pending = new Set<object>();
  readonly #stringIds = new Map<string, number>();
  readonly #sectionKeys = new Map<unknown, number>();
  readonly #steps: PathStep[] = [];
  readonly #stack: Frame[] = [];
  readonly #pool: Frame[] = [];

  constructor(options: EncodeGraphOptions) {
    this.#registry = options.registry;
    this.options = options.options ?? {};
    this.#maxDepth = options.maxDepth ?? Infinity;
    this.#excludeFields = options.excludeFields;
    this.#keyed = options.keyed;
    this.#keyedIds = options.keyed && new Map();
    // A load keys every de-duplicated object it is given: 64 KiB each was most of its garbage.
    this.out = new ByteWriter(options.keyed ? KEY_WRITER_SIZE : undefined);
  }

  path(): string {
    return formatPath(this.#steps);
  }

  addSection(section: SectionInput): number {
    if (section.dedupKey !== undefined) {
      const known = this.#sectionKeys.get(section.dedupKey);
      if (known !== undefined) return known;
    }
    const { dedupKey, ...payload } = section;
    this.sections.push(payload);
    const index = this.sections.length; // file section index: 0 is the graph
    if (dedupKey !== undefined) this.#sectionKeys.set(dedupKey, index);
    return index;
  }

  /** Writes the root value: one loop over an explicit stack of open objects. */
  run(root: unknown): void {
    this.value(root);
    const stack = this.#stack;
    while (stack.length > 0) {
      const frame = stack[stack.length - 1]!;
      if (frame.stepped) {
        this.#steps.pop();
        frame.stepped = false;
      }
      if (!this.#next(frame)) {
        stack.pop();
        frame.done?.();
        this.#pool.push(frame.reset(F.ARRAY, undefined, 0, undefined, undefined));
      }
    }
  }

  /** Writes `frame`'s next child (which may open a frame of its own); false when there is none. */
  #next(frame: Frame): boolean {
    const steps = this.#steps;
    switch (frame.kind) {
      case F.ARRAY: {
        const arr = frame.v as unknown[];
        for (; frame.i < frame.n; frame.i++) {
          if (frame.i in arr) break;
          this.out.u8(Tag.HOLE);
        }
        if (frame.i >= frame.n) return false;
        const i = frame.i++;
        steps.push(i);
        frame.stepped = true;
        this.value(arr[i]);
        return true;
      }
      case F.FIELDS: {
        if (frame.i >= frame.n) return false;
        const key = (frame.aux as string[])[frame.i++]!;
        this.string(key);
        steps.push(key);
        frame.stepped = true;
        let child: unknown;
        try {
          child = (frame.v as Record<string, unknown>)[key];
        } catch (err) {
          throw this.#userCodeFailed('GETTER_FAILED', `reading the property failed: ${message(err)}`, err);
        }
        this.value(child);
        return true;
      }
      case F.MAP: {
        if (frame.i >= frame.n) return false;
        const half = frame.i >> 1;
        frame.stepped = true;
        if (frame.i++ % 2 === 0) {
          const entry = (frame.aux as Iterator<[unknown, unknown]>).next().value as [unknown, unknown];
          frame.entry = entry;
          steps.push({ mapEntryKey: half });
          this.value(entry[0]);
        } else {
          const entry = frame.entry!;
          frame.entry = undefined;
          steps.push({ mapKey: entry[0] });
          this.value(entry[1]);
        }
        return true;
      }
      case F.SET: {
        if (frame.i >= frame.n) return false;
        steps.push({ setItem: frame.i++ });
        frame.stepped = true;
        this.value((frame.aux as Iterator<unknown>).next().value);
        return true;
      }
      case F.INNER: {
        if (frame.i >= frame.n) return false;
        const i = frame.i++;
        steps.push((frame.aux as PathStep[])[i]!);
        frame.stepped = true;
        this.value((frame.v as unknown[])[i]);
        return true;
      }
    }
  }

  #open(kind: F, v: unknown, n: number, aux: unknown, done?: () => void): void {
    this.#stack.push((this.#pool.pop() ?? new Frame()).reset(kind, v, n, aux, done));
  }

  #userCodeFailed(code: ErrorCode, what: string, err: unknown): CheckpointError {
    if (err instanceof CheckpointError) return err;
    return new CheckpointError(code, what, { path: this.path(), cause: err });
  }

  value(v: unknown): void {
    switch (typeof v) {
      case 'number':
        this.#number(v);
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
        this.#bigint(v);
        return;
      case 'symbol':
        throw new UnsupportedValueError('UNSUPPORTED_VALUE', `cannot save a symbol (${String(v)}); store its description as a string instead`, { path: this.path() });
      case 'function':
      case 'object':
        if (v === null) {
          this.out.u8(Tag.NULL);
          return;
        }
        this.#object(v);
    }
  }

  #number(v: number): void {
    if ((v | 0) === v && !Object.is(v, -0)) {
      this.out.u8(Tag.INT);
      this.out.varint(((v << 1) ^ (v >> 31)) >>> 0);
    } else {
      this.out.u8(Tag.FLOAT64);
      this.out.f64(v);
    }
  }

  string(s: string): void {
    const id = this.#stringIds.get(s);
    if (id !== undefined) {
      this.out.u8(Tag.STRING_REF);
      this.out.varint(id);
      return;
    }
    this.#stringIds.set(s, this.#stringIds.size);
    if (isWellFormed(s)) {
      this.out.u8(Tag.STRING);
      this.out.utf8(s);
    } else {
      this.out.u8(Tag.STRING16);
      this.out.utf16(s);
    }
  }

  /** Sign byte, byte length, little-endian magnitude; in time linear in the size (through hexadecimal). */
  #bigint(v: bigint): void {
    this.out.u8(Tag.BIGINT);
    const negative = v < 0n;
    const hex = (negative ? -v : v).toString(16);
    const bytes = v === 0n ? new Uint8Array(0) : hexBytes(hex.length % 2 ? `0${hex}` : hex).reverse();
    this.out.u8(negative ? 1 : 0);
    this.out.varint(bytes.length);
    this.out.bytes(bytes);
  }

  #object(v: object): void {
    const keyId = this.#keyedIds?.get(v);
    if (keyId !== undefined) {
      // A keyed object stands for its value wherever it appears: never a reference.
      this.out.u8(KEYED);
      this.out.varint(keyId);
      return;
    }
    const id = this.#objectIds.get(v);
    if (id !== undefined) {
      if (this.#pending.has(v)) {
        throw new CheckpointError(
          'CONSTRUCTOR_CYCLE',
          'an object stored by its constructor arguments (or a codec) is reachable from them, so it cannot be rebuilt; register its class with @serializable instead, or break the cycle',
          { path: this.path() },
        );
      }
      this.out.u8(Tag.REF);
      this.out.varint(id);
      return;
    }
    if (this.#stack.length >= this.#maxDepth) {
      throw new CheckpointError('DEPTH_LIMIT', `the graph is nested deeper than ${this.#maxDepth} levels (maxDepth); raise maxDepth or flatten it`, { path: this.path() });
    }
    this.#objectIds.set(v, this.#objectIds.size);
    if (typeof v === 'function') {
      this.#func(v);
      return;
    }
    const proto = Object.getPrototypeOf(v) as object | null;
    const handler: Handler | undefined = proto === null ? nullProtoObject : BUILTIN_HANDLERS.get(proto);
    if (handler) handler(this, v);
    else this.#other(v, proto!);
  }

  #func(fn: Function): void {
    const name = this.#registry.functionName(fn);
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

  #other(v: object, proto: object): void {
    const entry = this.#registry.lookup(v);
    if (entry) return this.#registered(v, entry);
    const code = TYPED_ARRAY_CODES.get(proto);
    if (code !== undefined) return this.view(v as ArrayBufferView, code);
    if (isNodeBuffer(v)) return this.nodeBuffer(v as Uint8Array);
    if (ERROR_PROTOS.has(proto)) return this.error(v as Error);
    const ctorName = (proto as { constructor?: { name?: string } }).constructor?.name || '(anonymous class)';
    const ancestor = this.#registry.registeredAncestor(v);
    const hint = ancestor
      ? `; it extends the registered "${ancestor.name}", but a subclass must be registered itself (decorate ${ctorName} too)`
      : ArrayBuffer.isView(v) || v instanceof SharedArrayBuffer || v instanceof WeakMap || v instanceof WeakSet || v instanceof Promise
        ? '; this built-in kind is not supported'
        : `; decorate it with @serializable() or @constructorSerialized(), or registerCodec(${ctorName}, ...)`;
    throw new UnsupportedValueError('UNREGISTERED_CLASS', `cannot save an instance of ${ctorName}: its class is not registered${hint}`, { path: this.path() });
  }

  #registered(v: object, entry: ClassEntry): void {
    const out = this.out;
    if (entry.kind === 'fields') {
      const { getState } = entry.options;
      if (getState) {
        let state: unknown;
        try {
          state = getState(v);
        } catch (err) {
          throw this.#userCodeFailed('GET_STATE_FAILED', `getState of "${entry.name}" failed: ${message(err)}`, err);
        }
        out.u8(Tag.CLASS_STATE);
        this.string(entry.name);
        out.varint(entry.version);
        this.#open(F.INNER, [state], 1, [{ label: '<state>' }]);
        return;
      }
      out.u8(Tag.CLASS_FIELDS);
      this.string(entry.name);
      out.varint(entry.version);
      const extra = this.#excludeFields?.get(v);
      const keys = this.keysOf(v);
      this.fields(v, entry.exclude.size === 0 && !extra ? keys : keys.filter((k) => !entry.exclude.has(k) && !extra?.has(k)));
      return;
    }
    if (entry.kind === 'constructor' && this.#keyed) {
      const id = this.#keyed(v, entry);
      if (id !== undefined) {
        out.u8(KEYED);
        out.varint(id ?? 0);
        this.#keyedIds!.set(v, id ?? 0);
        return;
      }
    }
    this.#pending.add(v);
    const leave = () => void this.#pending.delete(v);
    if (entry.kind === 'constructor') {
      let args: unknown;
      try {
        args = entry.argsOf(v);
      } catch (err) {
        throw this.#userCodeFailed('ARGS_FAILED', `the args function of "${entry.name}" failed: ${message(err)}`, err);
      }
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
      this.#open(F.INNER, [args], 1, [{ label: '<args>' }], leave);
    } else {
      let encoded: unknown;
      try {
        encoded = entry.encode(v, this);
      } catch (err) {
        throw this.#userCodeFailed('CODEC_FAILED', `codec "${entry.name}" failed to encode: ${message(err)}`, err);
      }
      out.u8(Tag.CODEC);
      this.string(entry.name);
      out.varint(entry.version);
      this.#open(F.INNER, [encoded], 1, [{ label: `<${entry.name}>` }], leave);
    }
  }

  /** Own enumerable string keys: symbol keys and non-enumerable properties are not stored. */
  keysOf(v: object): string[] {
    try {
      return Object.keys(v);
    } catch (err) {
      throw this.#userCodeFailed('GETTER_FAILED', `listing the properties failed: ${message(err)}`, err);
    }
  }

  fields(v: object, keys: string[]): void {
    this.out.varint(keys.length);
    this.#open(F.FIELDS, v, keys.length, keys);
  }

  array(v: unknown[]): void {
    this.out.u8(Tag.ARRAY);
    this.out.varint(v.length);
    this.#open(F.ARRAY, v, v.length, undefined);
  }

  map(v: Map<unknown, unknown>): void {
    this.out.u8(Tag.MAP);
    this.out.varint(v.size);
    this.#open(F.MAP, v, 2 * v.size, Map.prototype.entries.call(v));
  }

  set(v: Set<unknown>): void {
    this.out.u8(Tag.SET);
    this.out.varint(v.size);
    this.#open(F.SET, v, v.size, Set.prototype.values.call(v));
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

  /** TYPED_ARRAY / DATA_VIEW: the buffer value, then the byte offset and the length. */
  view(v: ArrayBufferView, code: number): void {
    if (!(v.buffer instanceof ArrayBuffer)) {
      throw new UnsupportedValueError('UNSUPPORTED_VALUE', `cannot save a ${code < 0 ? 'DataView' : 'typed array'} over a SharedArrayBuffer`, { path: this.path() });
    }
    if (code < 0) {
      this.out.u8(Tag.DATA_VIEW);
    } else {
      this.out.u8(Tag.TYPED_ARRAY);
      this.out.u8(code);
    }
    const length = code < 0 ? v.byteLength : (v as unknown as { length: number }).length;
    this.#open(F.INNER, [v.buffer], 1, [{ label: 'buffer' }], () => {
      this.out.varint(v.byteOffset);
      this.out.varint(length);
    });
  }

  /** A Node Buffer is stored as its own bytes: small Buffers share a pool that must not leak into the file. */
  nodeBuffer(v: Uint8Array): void {
    this.out.u8(Tag.NODE_BUFFER);
    this.out.varint(v.byteLength);
    this.out.bytes(v);
  }

  error(v: Error): void {
    this.out.u8(Tag.ERROR);
    this.string(String(v.name));
    this.string(String(v.message));
    this.#open(F.INNER, [typeof v.stack === 'string' ? v.stack : undefined, 'cause' in v ? v.cause : undefined], 2, ['stack', 'cause']);
  }
}

function message(err: unknown): string {
  return String((err as Error)?.message ?? err);
}

function plainObject(enc: GraphEncoder, v: Record<string, unknown>): void {
  enc.out.u8(Tag.OBJECT);
  enc.fields(v, enc.keysOf(v));
}

function nullProtoObject(enc: GraphEncoder, v: Record<string, unknown>): void {
  enc.out.u8(Tag.NULL_PROTO_OBJECT);
  enc.fields(v, enc.keysOf(v));
}

const BUILTIN_HANDLERS = new Map<object, Handler>([
  [Object.prototype, plainObject],
  [Array.prototype, (enc, v) => enc.array(v)],
  [Map.prototype, (enc, v) => enc.map(v)],
  [Set.prototype, (enc, v) => enc.set(v)],
  [ArrayBuffer.prototype, (enc, v) => enc.arrayBuffer(v)],
  [DataView.prototype, (enc, v) => enc.view(v, -1)],
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

/** The bytes of an even-length hexadecimal string, most significant first (no Node `Buffer`). */
function hexBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.substr(2 * i, 2), 16);
  return out;
}
