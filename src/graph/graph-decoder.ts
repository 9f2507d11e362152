import { CheckpointFormatError, UnknownClassError } from '../errors.js';
import type { DecodeContext, Registry, SectionView } from '../registry/index.js';
import { ByteReader } from './byte-reader.js';
import { formatPathOf, type PathStep } from './graph-path.js';
import { ERROR_CLASSES, Tag, TYPED_ARRAY_KINDS } from './tags.js';
import { UniqueObjectIndex } from './unique-object-index.js';
import { Checked, checked, F, FrameStack, Store } from './decoder-frame.js';
import { applyState, finishCodec, finishConstructed, readEntry } from './decoder-registered.js';
import { nodeBufferFrom } from '../platform.js';
import type { DecodeGraphOptions, DecodeStats, GraphSummary, InspectGraphOptions } from './decoder.js';

const KIND_NAMES: Readonly<Record<number, string>> = {
  [Tag.ARRAY]: 'Array',
  [Tag.OBJECT]: 'Object',
  [Tag.NULL_PROTO_OBJECT]: 'Object(null)',
  [Tag.MAP]: 'Map',
  [Tag.SET]: 'Set',
  [Tag.DATE]: 'Date',
  [Tag.REGEXP]: 'RegExp',
  [Tag.ARRAY_BUFFER]: 'ArrayBuffer',
  [Tag.ARRAY_BUFFER_SECTION]: 'ArrayBuffer',
  [Tag.TYPED_ARRAY]: 'TypedArray',
  [Tag.DATA_VIEW]: 'DataView',
  [Tag.ERROR]: 'Error',
  [Tag.FUNCTION]: 'Function',
  [Tag.NODE_BUFFER]: 'Buffer',
};

const ARGS: PathStep = { label: '<args>' };
const STATE: PathStep = { label: '<state>' };

/** An object id whose definition has started but whose value does not exist yet. */
const PENDING: unique symbol = Symbol('pending');
const HOLE: unique symbol = Symbol('hole');

/**
 * The one reader of the graph stream, building (`decodeGraph`) or not (`inspectGraph`).
 * The walk over tags and frames is here; finishing class, constructor and codec
 * definitions is in decoder-registered.ts. Fields are internal to those two files.
 */
export class GraphDecoder implements DecodeContext {
  readonly reader: ByteReader;
  readonly options: Readonly<Record<string, unknown>>;
  readonly stats: DecodeStats = { reused: 0, rebuilt: 0 };
  readonly summary: GraphSummary = { objects: {}, classes: {}, functions: [], strings: 0, references: 0, sectionRefs: [] };
  readonly registry: Registry | undefined;
  readonly objects: unknown[] = [];
  readonly #strings: string[] = [];
  readonly stack = new FrameStack();
  /** A step past the stack's own (the `<args>` of a constructor being built), or undefined. */
  extraStep: PathStep | undefined = undefined;
  readonly #maxDepth: number;
  readonly unique: UniqueObjectIndex | undefined;
  /** The id of each object defined, kept only when live objects may be reused (their arguments adopt what the file described). */
  readonly idOf: Map<unknown, number> | undefined;
  /** Bytes sections already defined as an ArrayBuffer: a second definition would copy the section again. */
  readonly #usedByteSections = new Set<number>();

  readonly build: boolean;
  /** Open codec values whose `check` will run (inspecting): plain data inside them is built for it. */
  plainDepth = 0;

  constructor(
    bytes: Uint8Array,
    readonly opts: InspectGraphOptions,
    /** The options of a building decode; absent when only inspecting (no values, no code). */
    building?: DecodeGraphOptions,
  ) {
    this.reader = new ByteReader(bytes, opts.fileOffset ?? 0, () => this.path());
    this.registry = opts.registry;
    this.#maxDepth = opts.maxDepth ?? Infinity;
    this.build = building !== undefined;
    this.options = building?.options ?? opts.options ?? {};
    this.unique = building && new UniqueObjectIndex(building.registry, building.uniqueObjects);
    this.idOf = this.unique && this.unique.size > 0 ? new Map() : undefined;
  }

  path(): string {
    const s = this.stack;
    const own = s.steps();
    const extra = this.extraStep;
    return formatPathOf(extra === undefined ? own : own + 1, (i) => (i < own ? s.stepAt(i) : extra!));
  }

  /** Section `index` from the options; an error about the section alone (`BAD_SECTION`) gains the graph path of the value that refers to it. */
  section(index: number): SectionView {
    try {
      return this.opts.section(index);
    } catch (err) {
      if (err instanceof CheckpointFormatError && err.path === '') {
        throw new CheckpointFormatError(err.code, `value refers to a missing or broken section: ${err.message}`, { path: this.path(), cause: err });
      }
      throw err;
    }
  }

  /** Reads the root value: one loop over an explicit stack of open definitions. */
  run(): unknown {
    const r = this.reader;
    const stack = this.stack;
    let v = this.#value();
    for (;;) {
      if (v !== PENDING) {
        if (stack.depth === 0) break;
        this.#accept(stack.depth - 1, v);
      }
      const top = stack.depth - 1;
      if (this.#next(top)) {
        v = this.#value();
        continue;
      }
      stack.pop();
      v = this.#finish(top);
      stack.release(top);
    }
    if (v === HOLE) r.fail('a hole outside an array');
    if (r.remaining !== 0) r.fail(`${r.remaining} bytes after the root value`);
    return v;
  }

  /** Reads one value: a finished one, or `PENDING` when it opened a frame on the stack. */
  #value(): unknown {
    const r = this.reader;
    const at = r.pos;
    const tag = r.u8();
    switch (tag) {
      case Tag.UNDEFINED:
        return undefined;
      case Tag.NULL:
        return null;
      case Tag.FALSE:
        return false;
      case Tag.TRUE:
        return true;
      case Tag.INT: {
        const z = r.varint();
        if (z > 0xffffffff) r.fail('INT out of 32-bit range', at);
        return (z >>> 1) ^ -(z & 1);
      }
      case Tag.FLOAT64:
        return r.f64();
      case Tag.STRING:
      case Tag.STRING16:
      case Tag.STRING_REF:
        return this.#stringAfterTag(tag, at);
      case Tag.BIGINT: {
        const sign = r.u8();
        if (sign > 1) r.fail('BIGINT sign byte must be 0 or 1', r.pos - 1);
        const magnitude = r.bigintMagnitude(r.varint());
        return sign ? -magnitude : magnitude;
      }
      case Tag.REF: {
        const id = r.varint();
        if (id >= this.objects.length) r.fail(`reference to object ${id}, but only ${this.objects.length} are defined`, at + 1);
        const v = this.objects[id];
        if (v === PENDING) {
          throw r.errorAt('CONSTRUCTOR_CYCLE', `reference to object ${id} while its constructor arguments are being read`, at + 1);
        }
        this.summary.references++;
        return v;
      }
      case Tag.HOLE:
        return HOLE;
    }
    if (this.stack.depth >= this.#maxDepth) {
      throw this.reader.errorAt('DEPTH_LIMIT', `the graph is nested deeper than ${this.#maxDepth} levels (maxDepth)`, at);
    }
    return this.#definition(tag, at);
  }

  /** Sets the value of object `id`; returns it. */
  setObject<T>(id: number, v: T): T {
    this.objects[id] = v;
    if (typeof v === 'object' && v !== null) this.idOf?.set(v, id);
    return v;
  }

  /** Reads a string value (STRING, STRING16 or STRING_REF). */
  string(): string {
    const at = this.reader.pos;
    return this.#stringAfterTag(this.reader.u8(), at);
  }

  #stringAfterTag(tag: number, at: number): string {
    const r = this.reader;
    if (tag === Tag.STRING_REF) {
      const id = r.varint();
      if (id >= this.#strings.length) r.fail(`reference to string ${id}, but only ${this.#strings.length} are defined`, at + 1);
      return this.#strings[id]!;
    }
    if (tag !== Tag.STRING && tag !== Tag.STRING16) r.fail(`expected a string, found tag 0x${tag.toString(16)}`, at);
    const s = tag === Tag.STRING ? r.utf8() : r.utf16();
    this.#strings.push(s);
    this.summary.strings++;
    return s;
  }

  /** Takes the next object id for `v` (a `Checked` stand-in when inspecting). */
  #define(v: unknown, tag: number): number {
    if (!this.build) {
      const kind = KIND_NAMES[tag];
      if (kind) this.summary.objects[kind] = (this.summary.objects[kind] ?? 0) + 1;
    }
    const id = this.objects.push(v) - 1;
    if (typeof v === 'object' && v !== null) this.idOf?.set(v, id);
    return id;
  }

  /** Whether plain data (arrays, objects, Maps, Sets, Dates, RegExps) is built: always when loading, inside a checked codec value when inspecting. */
  #plain(): boolean {
    return this.build || this.plainDepth > 0;
  }

  /** Opens a frame for object `id` whose tag was read at `at`; returns its level. */
  #open(kind: F, tag: number, target: unknown, n: number, id: number, at: number): number {
    return this.stack.push(kind, tag, target, n, id, at);
  }

  /** An object definition whose tag was read at `at`: a finished object, or `PENDING` with a frame opened. */
  #definition(tag: number, at: number): unknown {
    const r = this.reader;
    const build = this.build;
    switch (tag) {
      case Tag.ARRAY: {
        const n = r.count();
        const arr = this.#plain() ? new Array(n) : checked(tag);
        this.#open(F.ARRAY, tag, arr, n, this.#define(arr, tag), at);
        return PENDING;
      }
      case Tag.OBJECT:
      case Tag.NULL_PROTO_OBJECT: {
        const obj = this.#plain() ? (tag === Tag.OBJECT ? {} : Object.create(null)) : checked(tag);
        const id = this.#define(obj, tag);
        this.#open(F.FIELDS, tag, obj, r.count(2), id, at);
        return PENDING;
      }
      case Tag.MAP: {
        const map = this.#plain() ? new Map() : checked(tag);
        const id = this.#define(map, tag);
        this.#open(F.MAP, tag, map, 2 * r.count(2), id, at);
        return PENDING;
      }
      case Tag.SET: {
        const set = this.#plain() ? new Set() : checked(tag);
        const id = this.#define(set, tag);
        this.#open(F.SET, tag, set, r.count(), id, at);
        return PENDING;
      }
      case Tag.DATE: {
        const id = this.#define(PENDING, tag);
        const time = r.f64();
        return this.setObject(id, this.#plain() ? new Date(time) : checked(tag));
      }
      case Tag.REGEXP: {
        const id = this.#define(PENDING, tag);
        const source = this.string();
        const flags = this.string();
        let re: RegExp;
        try {
          re = new RegExp(source, flags);
        } catch {
          return r.fail(`invalid regular expression /${source}/${flags}`);
        }
        return this.setObject(id, this.#plain() ? re : checked(tag));
      }
      case Tag.ARRAY_BUFFER:
      case Tag.NODE_BUFFER: {
        const id = this.#define(PENDING, tag);
        const bytes = r.bytesView(r.varint());
        if (!build) return this.setObject(id, new Checked(tag, bytes.length));
        // A fresh ArrayBuffer of exactly these bytes (a Node Buffer from a pool would not be).
        const buffer = bytes.slice().buffer;
        return this.setObject(id, tag === Tag.NODE_BUFFER ? nodeBufferFrom(buffer) : buffer);
      }
      case Tag.ARRAY_BUFFER_SECTION: {
        const id = this.#define(PENDING, tag);
        const index = r.varint();
        const s = this.section(index);
        if (s.kind !== 'bytes') r.fail(`ArrayBuffer refers to a ${s.kind} section`, at + 1);
        if (this.#usedByteSections.has(index)) {
          r.fail(`bytes section ${index} is already the ArrayBuffer of an earlier definition; a second one would copy it (refer to the first with REF)`, at + 1);
        }
        this.#usedByteSections.add(index);
        if (!build) this.summary.sectionRefs.push(index);
        return this.setObject(id, build ? s.data.slice().buffer : new Checked(tag, s.data.length));
      }
      case Tag.TYPED_ARRAY:
      case Tag.DATA_VIEW: {
        const code = tag === Tag.TYPED_ARRAY ? r.u8() : -1;
        if (tag === Tag.TYPED_ARRAY && !TYPED_ARRAY_KINDS[code]) r.fail(`unknown typed array kind ${code}`, at + 1);
        this.#open(F.VIEW, tag, code, 1, this.#define(PENDING, tag), at);
        return PENDING;
      }
      case Tag.ERROR: {
        const id = this.#define(PENDING, tag);
        const name = this.string();
        const message = this.string();
        let err: unknown = checked(tag);
        if (build) {
          const e = new (ERROR_CLASSES.get(name) ?? Error)(message);
          if (e.name !== name) Object.defineProperty(e, 'name', { value: name, writable: true, enumerable: false, configurable: true });
          err = e;
        }
        this.setObject(id, err);
        this.#open(F.ERROR, tag, err, 2, id, at);
        return PENDING;
      }
      case Tag.FUNCTION: {
        const id = this.#define(PENDING, tag);
        const name = this.string();
        const fn = this.registry?.functionByName(name);
        if (!fn && (build || this.registry)) throw new UnknownClassError(name, 'function', this.path());
        if (!build) this.summary.functions.push(name);
        return this.setObject(id, build ? fn : new Checked(tag, 0, name));
      }
      case Tag.CLASS_FIELDS:
      case Tag.CLASS_STATE:
        return this.#classInstance(tag, at);
      case Tag.CONSTRUCTOR:
      case Tag.CODEC: {
        const id = this.#define(PENDING, tag);
        const isCodec = tag === Tag.CODEC;
        const { entry, version, name } = readEntry(this, isCodec ? 'codec' : 'constructor', isCodec ? 'codec value' : 'constructor-serialized class');
        const x = this.stack.addExtra(this.#open(F.INNER, tag, undefined, 1, id, at));
        x.entry = entry;
        x.version = version;
        if (!isCodec) x.label = ARGS; // a codec's step, `<name>`, is made from its name when a path is asked for
        x.name = name;
        if (!build && entry?.kind === 'codec' && entry.check) {
          x.checking = true;
          this.plainDepth++;
        }
        return PENDING;
      }
      default:
        return r.fail(`unknown tag 0x${tag.toString(16)}`, at);
    }
  }

  #classInstance(tag: number, at: number): unknown {
    const { entry, version } = readEntry(this, 'fields', 'class');
    let obj: unknown = checked(tag);
    let store = Store.DEFINE;
    if (entry?.kind === 'fields') {
      const { setState, create } = entry.options;
      if (this.build) obj = create ? create() : Object.create(entry.ctor.prototype);
      if (setState || version !== entry.version) store = Store.STATE;
    }
    const id = this.#define(obj, tag);
    const d =
      tag === Tag.CLASS_STATE
        ? this.#open(F.INNER, tag, undefined, 1, id, at)
        : this.#open(F.FIELDS, tag, this.build && store === Store.STATE ? Object.create(null) : obj, this.reader.count(2), id, at);
    const x = this.stack.addExtra(d);
    x.entry = entry;
    x.version = version;
    x.owner = obj;
    x.label = STATE;
    this.stack.setStore(d, store);
    return PENDING;
  }

  /**
   * The next child of the frame at level `d`: reads a field's key and marks the child
   * as being read (its path step joins the path), or returns false when the frame has
   * all its children.
   */
  #next(d: number): boolean {
    const s = this.stack;
    if (!s.more(d)) return false;
    if (s.kind(d) === F.FIELDS) s.setAux(d, this.string());
    s.childOpen = true;
    return true;
  }

  /** A value for the current child of level `d`. Only an ARRAY element may be a HOLE. */
  #accept(d: number, v: unknown): void {
    const s = this.stack;
    const kind = s.kind(d);
    if (v === HOLE && kind !== F.ARRAY) this.reader.fail('a hole outside an array', this.reader.pos - 1);
    s.childOpen = false;
    const i = s.advance(d);
    if (v === HOLE) return;
    const target = s.target(d);
    if (target instanceof Checked || kind === F.VIEW || kind === F.INNER) {
      // Nothing to fill: keep a Map key for the path of its value, and an inner value.
      if (kind === F.MAP ? i % 2 === 0 : kind === F.VIEW || kind === F.INNER) s.setAux(d, v);
      return;
    }
    switch (kind) {
      case F.ARRAY:
        target[i] = v;
        return;
      case F.FIELDS: {
        const key = s.aux(d) as string;
        if (s.store(d) === Store.ASSIGN && key !== '__proto__') target[key] = v;
        else Object.defineProperty(target, key, { value: v, writable: true, enumerable: true, configurable: true });
        return;
      }
      case F.MAP:
        if (i % 2 === 0) s.setAux(d, v);
        else target.set(s.aux(d), v);
        return;
      case F.SET:
        target.add(v);
        return;
      case F.ERROR:
        if (i === 0) Object.defineProperty(target, 'stack', { value: v, writable: true, enumerable: false, configurable: true });
        else if (v !== undefined) Object.defineProperty(target, 'cause', { value: v, writable: true, enumerable: false, configurable: true });
        return;
    }
  }

  /** Completes the (popped) frame at level `d`, whose children are all read; returns the finished object. */
  #finish(d: number): unknown {
    const s = this.stack;
    switch (s.kind(d)) {
      case F.VIEW:
        return this.#view(d);
      case F.FIELDS:
        if (s.tag(d) === Tag.CLASS_FIELDS && s.store(d) === Store.STATE) {
          applyState(this, d, s.target(d));
          return s.extra(d).owner;
        }
        return s.target(d);
      case F.INNER:
        if (s.tag(d) === Tag.CLASS_STATE) {
          applyState(this, d, s.aux(d));
          return s.extra(d).owner;
        }
        return s.tag(d) === Tag.CODEC ? finishCodec(this, d) : finishConstructed(this, d);
      default:
        return s.target(d);
    }
  }

  #view(d: number): unknown {
    const r = this.reader;
    const s = this.stack;
    const tag = s.tag(d);
    const at = s.at(d);
    const id = s.id(d);
    const Kind = tag === Tag.TYPED_ARRAY ? TYPED_ARRAY_KINDS[s.target(d) as number]! : undefined;
    const buffer = s.aux(d);
    // A NODE_BUFFER is a view, not an ArrayBuffer: it is no typed array's buffer.
    const isBuffer = buffer instanceof ArrayBuffer || (buffer instanceof Checked && (buffer.tag === Tag.ARRAY_BUFFER || buffer.tag === Tag.ARRAY_BUFFER_SECTION));
    const byteLength = isBuffer ? (buffer as ArrayBuffer | Checked).byteLength : -1;
    if (byteLength < 0) return r.fail('a typed array or DataView whose buffer is not an ArrayBuffer', at + 1);
    const byteOffset = r.varint();
    const length = r.varint();
    const bytesPerElement = Kind ? Kind.BYTES_PER_ELEMENT : 1;
    if (byteOffset % bytesPerElement !== 0 || byteOffset + length * bytesPerElement > byteLength) {
      r.fail(`view of ${length} elements at offset ${byteOffset} does not fit its ${byteLength}-byte buffer`, at + 1);
    }
    const v = !this.build ? checked(tag) : Kind ? new Kind(buffer as ArrayBuffer, byteOffset, length) : new DataView(buffer as ArrayBuffer, byteOffset, length);
    return this.setObject(id, v);
  }

}
