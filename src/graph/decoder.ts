import { CheckpointError, CheckpointFormatError, MigrationError, UnknownClassError } from '../errors.js';
import type { ClassEntry, DecodeContext, Registry, SectionView } from '../registry/index.js';
import { ByteReader } from './byte-reader.js';
import { formatPathOf, type PathStep } from './graph-path.js';
import { ERROR_CLASSES, Tag, TYPED_ARRAY_KINDS } from './tags.js';
import { UniqueObjectIndex } from './unique-object-index.js';
import { adoptLiveArgs } from './adopt-live-args.js';
import { Checked, checked, F, FrameStack, Store } from './decoder-frame.js';
import { nodeBufferFrom } from '../platform.js';

export interface DecodeGraphOptions {
  registry: Registry;
  /** Returns section `index` (1-based; 0 is the graph), checksum verified. */
  section(index: number): SectionView;
  /** Passed to codecs as `ctx.options`. */
  options?: Readonly<Record<string, unknown>>;
  /** Live objects to reuse instead of rebuilding equal de-duplicated ones. */
  uniqueObjects?: unknown;
  /** Offset of the graph stream in the file, for error messages. */
  fileOffset?: number;
  /**
   * Deepest nesting of object definitions accepted before `DEPTH_LIMIT`. Default: no
   * limit. The walk is iterative, so depth costs one small frame per level and every
   * level takes at least two bytes of the stream: memory stays proportional to the file.
   */
  maxDepth?: number;
}

/** Options of {@link inspectGraph}: what {@link DecodeGraphOptions} needs, minus what only building needs. */
export interface InspectGraphOptions {
  /** Returns section `index`, checksum verified; section references are resolved and checked through it. */
  section(index: number): SectionView;
  /**
   * When given, every class, codec and function name is checked against it (registered,
   * same kind, version not newer, a `migrate` hook for an older one) as loading would,
   * without running any of its code. Without it names are only recorded.
   */
  registry?: Registry;
  /**
   * Codecs whose `check` runs on the stored values of their name when there is no
   * `registry` (the command line passes the tensor layer's codecs, which it knows,
   * while it lists user classes without checking them). A name found here is checked
   * (kind, version) as loading with it registered would. Ignored when `registry` is given:
   * then the registry's own codecs' checks run.
   */
  checks?: Registry;
  fileOffset?: number;
  maxDepth?: number;
}

export interface DecodeStats {
  /** De-duplicated objects taken from `uniqueObjects` instead of being rebuilt. */
  reused: number;
  /** De-duplicated objects rebuilt by their constructor (no equal live one was given). */
  rebuilt: number;
}

/** What a graph stream holds, found by {@link inspectGraph} without building any value or running any code. */
export interface GraphSummary {
  /** Object definitions by kind (`Array`, `Object`, `Map`, …); classes and codecs are counted in `classes`. */
  objects: Record<string, number>;
  /** Class, constructor and codec names with their stored versions (`name@version`). */
  classes: Record<string, number>;
  functions: string[];
  strings: number;
  references: number;
  /** `Bytes` sections the stream refers to (tensor sections are referred to inside codec values). */
  sectionRefs: number[];
}

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
 * Rebuilds a value from the graph stream. Inverse of {@link encodeGraph}.
 * Never runs code the file names except constructors, codecs, hooks and functions
 * registered in `options.registry` by this process. Iterative: depth costs memory,
 * never stack.
 * @throws CheckpointFormatError for malformed streams, UnknownClassError for names not
 *   registered here, MigrationError for versions that cannot be migrated.
 */
export function decodeGraph(bytes: Uint8Array, options: DecodeGraphOptions): { value: unknown; stats: DecodeStats } {
  const dec = new GraphDecoder(bytes, options, options);
  const value = dec.run();
  return { value, stats: dec.stats };
}

/**
 * Reads a graph stream exactly as {@link decodeGraph} does — the same grammar, the same
 * checks, the same error codes and paths — but builds no values and runs no code but
 * codecs' `check` hooks: the basis of `reprise inspect` and `verify`. A codec value is
 * built as plain data (arrays, objects, Maps, Sets) and handed to its codec's `check`,
 * which refuses what `decode` would refuse. What it cannot know without building (a
 * constructor's own checks, a `migrate` or `setState` that throws, whether a device tag
 * can be served here) only loading finds.
 * @throws CheckpointFormatError for a malformed stream; with a `registry`, also
 *   UnknownClassError and MigrationError as `decodeGraph` would.
 */
export function inspectGraph(bytes: Uint8Array, options: InspectGraphOptions): GraphSummary {
  const dec = new GraphDecoder(bytes, options);
  dec.run();
  return dec.summary;
}

class GraphDecoder implements DecodeContext {
  readonly reader: ByteReader;
  readonly options: Readonly<Record<string, unknown>>;
  readonly stats: DecodeStats = { reused: 0, rebuilt: 0 };
  readonly summary: GraphSummary = { objects: {}, classes: {}, functions: [], strings: 0, references: 0, sectionRefs: [] };
  private readonly registry: Registry | undefined;
  private readonly objects: unknown[] = [];
  private readonly strings: string[] = [];
  private readonly stack = new FrameStack();
  /** A step past the stack's own (the `<args>` of a constructor being built), or undefined. */
  private extraStep: PathStep | undefined = undefined;
  private readonly maxDepth: number;
  private readonly unique: UniqueObjectIndex | undefined;
  /** Bytes sections already defined as an ArrayBuffer: a second definition would copy the section again. */
  private readonly usedByteSections = new Set<number>();

  private readonly build: boolean;
  /** Open codec values whose `check` will run (inspecting): plain data inside them is built for it. */
  private plainDepth = 0;

  constructor(
    bytes: Uint8Array,
    private readonly opts: InspectGraphOptions,
    /** The options of a building decode; absent when only inspecting (no values, no code). */
    building?: DecodeGraphOptions,
  ) {
    this.reader = new ByteReader(bytes, opts.fileOffset ?? 0, () => this.path());
    this.registry = opts.registry;
    this.maxDepth = opts.maxDepth ?? Infinity;
    this.build = building !== undefined;
    this.options = building?.options ?? {};
    this.unique = building && new UniqueObjectIndex(building.registry, building.uniqueObjects);
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
    let v = this.value();
    for (;;) {
      if (v !== PENDING) {
        if (stack.depth === 0) break;
        this.accept(stack.depth - 1, v);
      }
      const top = stack.depth - 1;
      if (this.next(top)) {
        v = this.value();
        continue;
      }
      stack.pop();
      v = this.finish(top);
      stack.release(top);
    }
    if (v === HOLE) r.fail('a hole outside an array');
    if (r.remaining !== 0) r.fail(`${r.remaining} bytes after the root value`);
    return v;
  }

  /** Reads one value: a finished one, or `PENDING` when it opened a frame on the stack. */
  private value(): unknown {
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
        return this.stringAfterTag(tag, at);
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
          throw new CheckpointFormatError('CONSTRUCTOR_CYCLE', `reference to object ${id} while its constructor arguments are being read`, { path: this.path(), offset: at + 1 });
        }
        this.summary.references++;
        return v;
      }
      case Tag.HOLE:
        return HOLE;
    }
    if (this.stack.depth >= this.maxDepth) {
      throw new CheckpointFormatError('DEPTH_LIMIT', `the graph is nested deeper than ${this.maxDepth} levels (maxDepth)`, { path: this.path(), offset: at });
    }
    return this.definition(tag, at);
  }

  private string(): string {
    const at = this.reader.pos;
    return this.stringAfterTag(this.reader.u8(), at);
  }

  private stringAfterTag(tag: number, at: number): string {
    const r = this.reader;
    if (tag === Tag.STRING_REF) {
      const id = r.varint();
      if (id >= this.strings.length) r.fail(`reference to string ${id}, but only ${this.strings.length} are defined`, at + 1);
      return this.strings[id]!;
    }
    if (tag !== Tag.STRING && tag !== Tag.STRING16) r.fail(`expected a string, found tag 0x${tag.toString(16)}`, at);
    const s = tag === Tag.STRING ? r.utf8() : r.utf16();
    this.strings.push(s);
    this.summary.strings++;
    return s;
  }

  /** Takes the next object id for `v` (a `Checked` stand-in when inspecting). */
  private define(v: unknown, tag: number): number {
    if (!this.build) {
      const kind = KIND_NAMES[tag];
      if (kind) this.summary.objects[kind] = (this.summary.objects[kind] ?? 0) + 1;
    }
    return this.objects.push(v) - 1;
  }

  /** Whether plain data (arrays, objects, Maps, Sets, Dates, RegExps) is built: always when loading, inside a checked codec value when inspecting. */
  private plain(): boolean {
    return this.build || this.plainDepth > 0;
  }

  /** Opens a frame for object `id` whose tag was read at `at`; returns its level. */
  private open(kind: F, tag: number, target: unknown, n: number, id: number, at: number): number {
    return this.stack.push(kind, tag, target, n, id, at);
  }

  /** An object definition whose tag was read at `at`: a finished object, or `PENDING` with a frame opened. */
  private definition(tag: number, at: number): unknown {
    const r = this.reader;
    const build = this.build;
    switch (tag) {
      case Tag.ARRAY: {
        const n = r.count();
        const arr = this.plain() ? new Array(n) : checked(tag);
        this.open(F.ARRAY, tag, arr, n, this.define(arr, tag), at);
        return PENDING;
      }
      case Tag.OBJECT:
      case Tag.NULL_PROTO_OBJECT: {
        const obj = this.plain() ? (tag === Tag.OBJECT ? {} : Object.create(null)) : checked(tag);
        const id = this.define(obj, tag);
        this.open(F.FIELDS, tag, obj, r.count(2), id, at);
        return PENDING;
      }
      case Tag.MAP: {
        const map = this.plain() ? new Map() : checked(tag);
        const id = this.define(map, tag);
        this.open(F.MAP, tag, map, 2 * r.count(2), id, at);
        return PENDING;
      }
      case Tag.SET: {
        const set = this.plain() ? new Set() : checked(tag);
        const id = this.define(set, tag);
        this.open(F.SET, tag, set, r.count(), id, at);
        return PENDING;
      }
      case Tag.DATE: {
        const id = this.define(PENDING, tag);
        const time = r.f64();
        return (this.objects[id] = this.plain() ? new Date(time) : checked(tag));
      }
      case Tag.REGEXP: {
        const id = this.define(PENDING, tag);
        const source = this.string();
        const flags = this.string();
        let re: RegExp;
        try {
          re = new RegExp(source, flags);
        } catch {
          return r.fail(`invalid regular expression /${source}/${flags}`);
        }
        return (this.objects[id] = this.plain() ? re : checked(tag));
      }
      case Tag.ARRAY_BUFFER:
      case Tag.NODE_BUFFER: {
        const id = this.define(PENDING, tag);
        const bytes = r.bytesView(r.varint());
        if (!build) return (this.objects[id] = new Checked(tag, bytes.length));
        // A fresh ArrayBuffer of exactly these bytes (a Node Buffer from a pool would not be).
        const buffer = bytes.slice().buffer;
        return (this.objects[id] = tag === Tag.NODE_BUFFER ? nodeBufferFrom(buffer) : buffer);
      }
      case Tag.ARRAY_BUFFER_SECTION: {
        const id = this.define(PENDING, tag);
        const index = r.varint();
        const s = this.section(index);
        if (s.kind !== 'bytes') r.fail(`ArrayBuffer refers to a ${s.kind} section`, at + 1);
        if (this.usedByteSections.has(index)) {
          r.fail(`bytes section ${index} is already the ArrayBuffer of an earlier definition; a second one would copy it (refer to the first with REF)`, at + 1);
        }
        this.usedByteSections.add(index);
        if (!build) this.summary.sectionRefs.push(index);
        return (this.objects[id] = build ? s.data.slice().buffer : new Checked(tag, s.data.length));
      }
      case Tag.TYPED_ARRAY:
      case Tag.DATA_VIEW: {
        const code = tag === Tag.TYPED_ARRAY ? r.u8() : -1;
        if (tag === Tag.TYPED_ARRAY && !TYPED_ARRAY_KINDS[code]) r.fail(`unknown typed array kind ${code}`, at + 1);
        this.open(F.VIEW, tag, code, 1, this.define(PENDING, tag), at);
        return PENDING;
      }
      case Tag.ERROR: {
        const id = this.define(PENDING, tag);
        const name = this.string();
        const message = this.string();
        let err: unknown = checked(tag);
        if (build) {
          const e = new (ERROR_CLASSES.get(name) ?? Error)(message);
          if (e.name !== name) Object.defineProperty(e, 'name', { value: name, writable: true, enumerable: false, configurable: true });
          err = e;
        }
        this.objects[id] = err;
        this.open(F.ERROR, tag, err, 2, id, at);
        return PENDING;
      }
      case Tag.FUNCTION: {
        const id = this.define(PENDING, tag);
        const name = this.string();
        const fn = this.registry?.functionByName(name);
        if (!fn && (build || this.registry)) throw new UnknownClassError(name, 'function', this.path());
        if (!build) this.summary.functions.push(name);
        return (this.objects[id] = build ? fn : checked(tag));
      }
      case Tag.CLASS_FIELDS:
      case Tag.CLASS_STATE:
        return this.classInstance(tag, at);
      case Tag.CONSTRUCTOR:
      case Tag.CODEC: {
        const id = this.define(PENDING, tag);
        const isCodec = tag === Tag.CODEC;
        const { entry, version, name } = this.entry(isCodec ? 'codec' : 'constructor', isCodec ? 'codec value' : 'constructor-serialized class');
        const x = this.stack.addExtra(this.open(F.INNER, tag, undefined, 1, id, at));
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

  private classInstance(tag: number, at: number): unknown {
    const { entry, version } = this.entry('fields', 'class');
    let obj: unknown = checked(tag);
    let store = Store.DEFINE;
    if (entry?.kind === 'fields') {
      const { setState, create } = entry.options;
      if (this.build) obj = create ? create() : Object.create(entry.ctor.prototype);
      if (setState || version !== entry.version) store = Store.STATE;
    }
    const id = this.define(obj, tag);
    const d =
      tag === Tag.CLASS_STATE
        ? this.open(F.INNER, tag, undefined, 1, id, at)
        : this.open(F.FIELDS, tag, this.build && store === Store.STATE ? Object.create(null) : obj, this.reader.count(2), id, at);
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
  private next(d: number): boolean {
    const s = this.stack;
    if (!s.more(d)) return false;
    if (s.kind(d) === F.FIELDS) s.setAux(d, this.string());
    s.childOpen = true;
    return true;
  }

  /** A value for the current child of level `d`. Only an ARRAY element may be a HOLE. */
  private accept(d: number, v: unknown): void {
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
  private finish(d: number): unknown {
    const s = this.stack;
    switch (s.kind(d)) {
      case F.VIEW:
        return this.view(d);
      case F.FIELDS:
        if (s.tag(d) === Tag.CLASS_FIELDS && s.store(d) === Store.STATE) {
          this.applyState(d, s.target(d));
          return s.extra(d).owner;
        }
        return s.target(d);
      case F.INNER:
        if (s.tag(d) === Tag.CLASS_STATE) {
          this.applyState(d, s.aux(d));
          return s.extra(d).owner;
        }
        return s.tag(d) === Tag.CODEC ? this.codec(d) : this.constructed(d);
      default:
        return s.target(d);
    }
  }

  private view(d: number): unknown {
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
    return (this.objects[id] = v);
  }

  /**
   * Reads a class, codec or constructor name and version and checks them against the
   * registry (when inspecting without one, only records them).
   */
  private entry(kind: ClassEntry['kind'], label: string): { entry: ClassEntry | undefined; version: number; name: string } {
    const name = this.string();
    const version = this.reader.varint();
    if (!this.build) this.summary.classes[`${name}@${version}`] = (this.summary.classes[`${name}@${version}`] ?? 0) + 1;
    const entry = this.registry ? this.registry.byStableName(name) : this.opts.checks?.byStableName(name);
    if (!entry) {
      if (!this.registry) return { entry: undefined, version, name };
      throw new UnknownClassError(name, label, this.path());
    }
    if (entry.kind !== kind) {
      throw new MigrationError('KIND_CHANGED', `"${name}" was saved as a ${label} but is now registered as a ${entry.kind} class`, { path: this.path() });
    }
    if (version > entry.version) {
      throw new MigrationError(
        'VERSION_NEWER',
        `"${name}" was saved at version ${version}, newer than the registered version ${entry.version}; load it with a newer build of its class`,
        { path: this.path() },
      );
    }
    if (entry.kind !== 'codec' && version !== entry.version && !entry.options.migrate) {
      throw new MigrationError(
        'NO_MIGRATION',
        `"${entry.name}" was saved at version ${version} but is registered at version ${entry.version} without a migrate hook`,
        { path: this.path() },
      );
    }
    return { entry, version, name };
  }

  private migrate<T>(entry: ClassEntry, version: number, data: T, migrate: ((d: T, v: number) => T) | undefined): T {
    if (version === entry.version || !migrate) return data;
    try {
      return migrate(data, version);
    } catch (err) {
      throw new MigrationError('MIGRATION_FAILED', `migrating "${entry.name}" from version ${version} failed: ${(err as Error)?.message}`, { path: this.path(), cause: err });
    }
  }

  private applyState(d: number, raw: unknown): void {
    const frame = this.stack.extra(d);
    const entry = frame.entry;
    if (entry?.kind !== 'fields') return; // inspecting without a registry
    const { setState, migrate } = entry.options;
    if (!this.build) {
      // What a state must be is known only when no hook can change it.
      const isObject = raw instanceof Checked ? raw.tag !== Tag.FUNCTION : typeof raw === 'object' && raw !== null;
      if (!setState && frame.version === entry.version && !isObject) this.notAnObject(entry.name);
      return;
    }
    const state = this.migrate(entry, frame.version, raw, migrate);
    const obj = frame.owner as Record<string, unknown>;
    if (setState) {
      try {
        setState(obj, state);
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError('SET_STATE_FAILED', `setState of "${entry.name}" failed: ${(err as Error)?.message}`, { path: this.path(), cause: err });
      }
      return;
    }
    if (typeof state !== 'object' || state === null) this.notAnObject(entry.name);
    for (const key of Object.keys(state)) {
      Object.defineProperty(obj, key, { value: (state as Record<string, unknown>)[key], writable: true, enumerable: true, configurable: true });
    }
  }

  private notAnObject(name: string): never {
    throw new CheckpointFormatError('BAD_GRAPH', `state of "${name}" is not an object and the class has no setState`, { path: this.path() });
  }

  private constructed(d: number): unknown {
    const frame = this.stack.extra(d);
    const raw = this.stack.aux(d);
    const id = this.stack.id(d);
    const isArray = Array.isArray(raw) || (raw instanceof Checked && raw.tag === Tag.ARRAY);
    this.extraStep = frame.label;
    if (!isArray) this.reader.fail(`arguments of "${frame.name}" are not an array`, this.stack.at(d));
    const entry = frame.entry;
    if (!this.build || entry?.kind !== 'constructor') {
      this.extraStep = undefined;
      return (this.objects[id] = checked(Tag.CONSTRUCTOR));
    }
    const args = this.migrate(entry, frame.version, raw as unknown[], entry.options.migrate);
    this.extraStep = undefined;
    let obj: object | undefined;
    let key: number | undefined;
    if (entry.options.deduplicate) {
      const unique = this.unique!;
      // No live objects to reuse: no keys to compute.
      if (unique.size > 0) obj = unique.find((key = unique.keyOf(entry.name, args)));
      if (obj) {
        this.stats.reused++;
        const liveArgs = entry.argsOf(obj);
        if (liveArgs) adoptLiveArgs(this.objects, args, liveArgs, id + 1);
      } else {
        this.stats.rebuilt++;
      }
    }
    if (!obj) {
      try {
        obj = new entry.ctor(...args) as object;
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError('CONSTRUCTOR_FAILED', `constructing "${entry.name}" from its stored arguments failed: ${(err as Error)?.message}`, { path: this.path(), cause: err });
      }
      if (key !== undefined) this.unique!.note(obj, key);
    }
    return (this.objects[id] = obj);
  }

  private codec(d: number): unknown {
    const frame = this.stack.extra(d);
    const inner = this.stack.aux(d);
    const id = this.stack.id(d);
    const entry = frame.entry;
    if (!this.build && frame.checking && entry?.kind === 'codec') {
      this.plainDepth--;
      try {
        entry.check!(inner, this, frame.version);
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to decode: ${(err as Error)?.message}`, { path: this.path(), cause: err });
      }
    }
    if (!this.build || entry?.kind !== 'codec') return (this.objects[id] = checked(Tag.CODEC));
    let obj: unknown;
    try {
      obj = entry.decode(inner, this, frame.version);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to decode: ${(err as Error)?.message}`, { path: this.path(), cause: err });
    }
    return (this.objects[id] = obj);
  }
}
