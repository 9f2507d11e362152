import { CheckpointError, CheckpointFormatError, MigrationError, UnknownClassError } from '../errors.js';
import type { ClassEntry, DecodeContext, Registry, SectionView } from '../registry/index.js';
import { ByteReader } from './byte-reader.js';
import { formatPath, type PathStep } from './graph-path.js';
import { DEFAULT_MAX_DEPTH, ERROR_CLASSES, isStackOverflow, Tag, TYPED_ARRAY_KINDS } from './tags.js';
import { UniqueObjectIndex } from './unique-object-index.js';

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
  maxDepth?: number;
}

export interface DecodeStats {
  /** De-duplicated objects taken from `uniqueObjects` instead of being rebuilt. */
  reused: number;
  /** De-duplicated objects rebuilt by their constructor (no equal live one was given). */
  rebuilt: number;
}

const PENDING: unique symbol = Symbol('pending');
const HOLE: unique symbol = Symbol('hole');

/**
 * Rebuilds a value from the graph stream. Inverse of {@link encodeGraph}.
 * Never runs code the file names except constructors, codecs, hooks and functions
 * registered in `options.registry` by this process.
 * @throws CheckpointFormatError for malformed streams, UnknownClassError for names not
 *   registered here, MigrationError for versions that cannot be migrated.
 */
export function decodeGraph(bytes: Uint8Array, options: DecodeGraphOptions): { value: unknown; stats: DecodeStats } {
  const dec = new GraphDecoder(bytes, options);
  let value: unknown;
  try {
    value = dec.value();
  } catch (err) {
    if (isStackOverflow(err)) {
      throw new CheckpointFormatError('DEPTH_LIMIT', 'the graph is nested too deeply for the stack', { path: dec.path(), offset: dec.reader.pos, cause: err });
    }
    throw err;
  }
  if (value === HOLE) dec.reader.fail('a hole outside an array');
  if (dec.reader.remaining !== 0) dec.reader.fail(`${dec.reader.remaining} bytes after the root value`);
  return { value, stats: dec.stats };
}

class GraphDecoder implements DecodeContext {
  readonly reader: ByteReader;
  readonly options: Readonly<Record<string, unknown>>;
  readonly stats: DecodeStats = { reused: 0, rebuilt: 0 };
  private readonly registry: Registry;
  private readonly objects: unknown[] = [];
  private readonly strings: string[] = [];
  private readonly steps: PathStep[] = [];
  private readonly maxDepth: number;
  private readonly unique: UniqueObjectIndex;
  private depth = 0;

  constructor(
    bytes: Uint8Array,
    private readonly opts: DecodeGraphOptions,
  ) {
    this.reader = new ByteReader(bytes, opts.fileOffset ?? 0, () => this.path());
    this.registry = opts.registry;
    this.options = opts.options ?? {};
    this.maxDepth = opts.maxDepth ?? DEFAULT_MAX_DEPTH;
    this.unique = new UniqueObjectIndex(opts.registry, opts.uniqueObjects);
  }

  path(): string {
    return formatPath(this.steps);
  }

  section(index: number): SectionView {
    return this.opts.section(index);
  }

  value(): unknown {
    const r = this.reader;
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
        if (z > 0xffffffff) r.fail('INT out of 32-bit range');
        return (z >>> 1) ^ -(z & 1);
      }
      case Tag.FLOAT64:
        return r.f64();
      case Tag.STRING:
      case Tag.STRING16:
      case Tag.STRING_REF:
        return this.stringAfterTag(tag);
      case Tag.BIGINT:
        return this.bigint();
      case Tag.REF: {
        const at = r.pos;
        const id = r.varint();
        if (id >= this.objects.length) r.fail(`reference to object ${id}, but only ${this.objects.length} are defined`, at);
        const v = this.objects[id];
        if (v === PENDING) {
          throw new CheckpointFormatError('CONSTRUCTOR_CYCLE', `reference to object ${id} while its constructor arguments are being read`, { path: this.path(), offset: at });
        }
        return v;
      }
      case Tag.HOLE:
        return HOLE;
    }
    if (++this.depth > this.maxDepth) {
      throw new CheckpointFormatError('DEPTH_LIMIT', `the graph is nested deeper than ${this.maxDepth} levels`, { path: this.path(), offset: r.pos });
    }
    const v = this.definition(tag);
    this.depth--;
    return v;
  }

  string(): string {
    return this.stringAfterTag(this.reader.u8());
  }

  private stringAfterTag(tag: number): string {
    const r = this.reader;
    if (tag === Tag.STRING_REF) {
      const at = r.pos;
      const id = r.varint();
      if (id >= this.strings.length) r.fail(`reference to string ${id}, but only ${this.strings.length} are defined`, at);
      return this.strings[id]!;
    }
    if (tag !== Tag.STRING && tag !== Tag.STRING16) r.fail(`expected a string, found tag 0x${tag.toString(16)}`, r.pos - 1);
    const s = tag === Tag.STRING ? r.utf8() : r.utf16();
    this.strings.push(s);
    return s;
  }

  private bigint(): bigint {
    const r = this.reader;
    const sign = r.u8();
    if (sign > 1) r.fail('BIGINT sign byte must be 0 or 1');
    const bytes = r.bytesView(r.varint());
    let v = 0n;
    for (let i = bytes.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(bytes[i]!);
    return sign ? -v : v;
  }

  private define<T>(v: T): T {
    this.objects.push(v);
    return v;
  }

  private definition(tag: number): unknown {
    const r = this.reader;
    switch (tag) {
      case Tag.ARRAY: {
        const n = r.count();
        const arr: unknown[] = this.define(new Array(n));
        for (let i = 0; i < n; i++) {
          this.steps.push(i);
          const v = this.value();
          this.steps.pop();
          if (v !== HOLE) arr[i] = v;
        }
        return arr;
      }
      case Tag.OBJECT:
        return this.plainFields(this.define({}));
      case Tag.NULL_PROTO_OBJECT:
        return this.plainFields(this.define(Object.create(null)));
      case Tag.MAP: {
        const n = r.count(2);
        const map = this.define(new Map<unknown, unknown>());
        for (let i = 0; i < n; i++) {
          this.steps.push({ mapEntryKey: i });
          const key = this.plain(this.value());
          this.steps.pop();
          this.steps.push({ mapKey: key });
          map.set(key, this.plain(this.value()));
          this.steps.pop();
        }
        return map;
      }
      case Tag.SET: {
        const n = r.count();
        const set = this.define(new Set<unknown>());
        for (let i = 0; i < n; i++) {
          this.steps.push({ setItem: i });
          set.add(this.plain(this.value()));
          this.steps.pop();
        }
        return set;
      }
      case Tag.DATE:
        return this.define(new Date(r.f64()));
      case Tag.REGEXP: {
        const id = this.objects.length;
        this.define(PENDING);
        const source = this.string();
        const flags = this.string();
        try {
          return (this.objects[id] = new RegExp(source, flags));
        } catch {
          return r.fail(`invalid regular expression /${source}/${flags}`);
        }
      }
      case Tag.ARRAY_BUFFER: {
        const n = r.varint();
        return this.define(r.bytesView(n).slice().buffer);
      }
      case Tag.ARRAY_BUFFER_SECTION: {
        const at = r.pos;
        const s = this.section(r.varint());
        if (s.kind !== 'bytes') r.fail(`ArrayBuffer refers to a ${s.kind} section`, at);
        return this.define(s.data.slice().buffer);
      }
      case Tag.NODE_BUFFER:
        return this.define(Buffer.from(r.bytesView(r.varint()).slice().buffer));
      case Tag.TYPED_ARRAY:
        return this.view(true);
      case Tag.DATA_VIEW:
        return this.view(false);
      case Tag.ERROR:
        return this.error();
      case Tag.FUNCTION: {
        const id = this.objects.length;
        this.define(PENDING);
        const name = this.string();
        const fn = this.registry.functionByName(name);
        if (!fn) throw new UnknownClassError(name, 'function', this.path());
        return (this.objects[id] = fn);
      }
      case Tag.CLASS_FIELDS:
      case Tag.CLASS_STATE:
        return this.classInstance(tag);
      case Tag.CONSTRUCTOR:
        return this.constructed();
      case Tag.CODEC:
        return this.codec();
      default:
        return r.fail(`unknown tag 0x${tag.toString(16)}`, r.pos - 1);
    }
  }

  /** A value that must be a real value, not a hole. */
  private plain(v: unknown): unknown {
    if (v === HOLE) this.reader.fail('a hole outside an array');
    return v;
  }

  private plainFields(obj: Record<string, unknown>): Record<string, unknown> {
    const n = this.reader.count(2);
    for (let i = 0; i < n; i++) {
      const key = this.string();
      this.steps.push(key);
      const v = this.plain(this.value());
      this.steps.pop();
      if (key === '__proto__') Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      else obj[key] = v;
    }
    return obj;
  }

  private view(typed: boolean): ArrayBufferView {
    const r = this.reader;
    const at = r.pos;
    const code = typed ? r.u8() : -1;
    const Kind = typed ? TYPED_ARRAY_KINDS[code] : undefined;
    if (typed && !Kind) r.fail(`unknown typed array kind ${code}`, at);
    const id = this.objects.length;
    this.define(PENDING);
    this.steps.push({ label: 'buffer' });
    const buffer = this.value();
    this.steps.pop();
    if (!(buffer instanceof ArrayBuffer)) return r.fail('a typed array or DataView whose buffer is not an ArrayBuffer', at);
    const byteOffset = r.varint();
    const length = r.varint();
    const bytesPerElement = Kind ? Kind.BYTES_PER_ELEMENT : 1;
    if (byteOffset % bytesPerElement !== 0 || byteOffset + length * bytesPerElement > buffer.byteLength) {
      r.fail(`view of ${length} elements at offset ${byteOffset} does not fit its ${buffer.byteLength}-byte buffer`, at);
    }
    const v = Kind ? new Kind(buffer, byteOffset, length) : new DataView(buffer, byteOffset, length);
    this.objects[id] = v;
    return v;
  }

  private error(): Error {
    const id = this.objects.length;
    this.define(PENDING);
    const name = this.string();
    const message = this.string();
    const Ctor = ERROR_CLASSES.get(name) ?? Error;
    const err = new Ctor(message);
    if (err.name !== name) Object.defineProperty(err, 'name', { value: name, writable: true, enumerable: false, configurable: true });
    this.objects[id] = err;
    this.steps.push('stack');
    const stack = this.plain(this.value());
    this.steps.pop();
    Object.defineProperty(err, 'stack', { value: stack, writable: true, enumerable: false, configurable: true });
    this.steps.push('cause');
    const cause = this.plain(this.value());
    this.steps.pop();
    if (cause !== undefined) Object.defineProperty(err, 'cause', { value: cause, writable: true, enumerable: false, configurable: true });
    return err;
  }

  private entry(kind: ClassEntry['kind'], label: string): { entry: ClassEntry; version: number } {
    const name = this.string();
    const version = this.reader.varint();
    const entry = this.registry.byStableName(name);
    if (!entry) throw new UnknownClassError(name, label, this.path());
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
    return { entry, version };
  }

  private migrate<T>(entry: ClassEntry, version: number, data: T, migrate: ((d: T, v: number) => T) | undefined): T {
    if (version === entry.version) return data;
    if (!migrate) {
      throw new MigrationError(
        'NO_MIGRATION',
        `"${entry.name}" was saved at version ${version} but is registered at version ${entry.version} without a migrate hook`,
        { path: this.path() },
      );
    }
    try {
      return migrate(data, version);
    } catch (err) {
      throw new MigrationError('MIGRATION_FAILED', `migrating "${entry.name}" from version ${version} failed: ${(err as Error)?.message}`, { path: this.path(), cause: err });
    }
  }

  private classInstance(tag: number): object {
    const { entry, version } = this.entry('fields', 'class');
    if (entry.kind !== 'fields') throw new Error('unreachable');
    const { setState, migrate, create } = entry.options;
    const obj = this.define((create ? create() : Object.create(entry.ctor.prototype)) as Record<string, unknown>);
    if (tag === Tag.CLASS_STATE) {
      this.steps.push({ label: '<state>' });
      const state = this.migrate(entry, version, this.plain(this.value()), migrate);
      this.steps.pop();
      this.applyState(entry.name, obj, state, setState);
      return obj;
    }
    if (!setState && version === entry.version) {
      const n = this.reader.count(2);
      for (let i = 0; i < n; i++) {
        const key = this.string();
        this.steps.push(key);
        const v = this.plain(this.value());
        this.steps.pop();
        Object.defineProperty(obj, key, { value: v, writable: true, enumerable: true, configurable: true });
      }
      return obj;
    }
    const state = this.migrate(entry, version, this.plainFields(Object.create(null)), migrate);
    this.applyState(entry.name, obj, state, setState);
    return obj;
  }

  private applyState(name: string, obj: Record<string, unknown>, state: unknown, setState?: (obj: any, state: any) => void): void {
    if (setState) {
      try {
        setState(obj, state);
      } catch (err) {
        if (err instanceof CheckpointError) throw err;
        throw new CheckpointError('SET_STATE_FAILED', `setState of "${name}" failed: ${(err as Error)?.message}`, { path: this.path(), cause: err });
      }
      return;
    }
    if (typeof state !== 'object' || state === null) {
      throw new CheckpointFormatError('BAD_GRAPH', `state of "${name}" is not an object and the class has no setState`, { path: this.path() });
    }
    for (const key of Object.keys(state)) {
      Object.defineProperty(obj, key, { value: (state as Record<string, unknown>)[key], writable: true, enumerable: true, configurable: true });
    }
  }

  private constructed(): object {
    const id = this.objects.length;
    this.define(PENDING);
    const { entry, version } = this.entry('constructor', 'constructor-serialized class');
    if (entry.kind !== 'constructor') throw new Error('unreachable');
    this.steps.push({ label: '<args>' });
    const raw = this.value();
    if (!Array.isArray(raw)) this.reader.fail(`arguments of "${entry.name}" are not an array`);
    const args = this.migrate(entry, version, raw, entry.options.migrate);
    this.steps.pop();
    let obj: object | undefined;
    if (entry.options.deduplicate) {
      obj = this.unique.find(entry.name, args);
      if (obj) {
        this.stats.reused++;
        const liveArgs = entry.argsOf(obj);
        if (liveArgs) this.adoptLiveArgs(args, liveArgs, id + 1);
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
    }
    this.objects[id] = obj;
    return obj;
  }

  /**
   * A reused live object stands for the one the file described, so the objects defined
   * inside its stored arguments stand for the live object's own arguments: later
   * references to them (an experience sharing the dataset's class list) must reach the
   * live ones. The two argument graphs have equal canonical encodings, so they have the
   * same shape; walk them side by side and replace every decoded object defined since
   * `fromId` by its live counterpart.
   */
  private adoptLiveArgs(decoded: unknown, live: unknown, fromId: number): void {
    const ids = new Map<unknown, number>();
    for (let i = fromId; i < this.objects.length; i++) ids.set(this.objects[i], i);
    const seen = new Set<unknown>();
    const stack: Array<[unknown, unknown]> = [[decoded, live]];
    while (stack.length > 0) {
      const [d, l] = stack.pop()!;
      if (typeof d !== 'object' || d === null || typeof l !== 'object' || l === null || seen.has(d)) continue;
      seen.add(d);
      const id = ids.get(d);
      if (id !== undefined) this.objects[id] = l;
      if (ArrayBuffer.isView(d) && ArrayBuffer.isView(l)) {
        stack.push([d.buffer, l.buffer]);
      } else if (d instanceof Map && l instanceof Map) {
        const le = [...l];
        [...d].forEach(([k, v], i) => stack.push([k, le[i]?.[0]], [v, le[i]?.[1]]));
      } else if (d instanceof Set && l instanceof Set) {
        const li = [...l];
        [...d].forEach((v, i) => stack.push([v, li[i]]));
      } else if (!(d instanceof ArrayBuffer)) {
        for (const key of Object.keys(d)) stack.push([(d as Record<string, unknown>)[key], (l as Record<string, unknown>)[key]]);
      }
    }
  }

  private codec(): unknown {
    const id = this.objects.length;
    this.define(PENDING);
    const { entry, version } = this.entry('codec', 'codec value');
    if (entry.kind !== 'codec') throw new Error('unreachable');
    this.steps.push({ label: `<${entry.name}>` });
    const encoded = this.plain(this.value());
    this.steps.pop();
    let obj: unknown;
    try {
      obj = entry.decode(encoded, this, version);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to decode: ${(err as Error)?.message}`, { path: this.path(), cause: err });
    }
    this.objects[id] = obj;
    return obj;
  }
}
