import { RegistrationError } from '../errors.js';
import type { CodecOptions, ConstructorSerializedOptions, DecodeContext, EncodeContext, SerializableOptions } from './types.js';

export interface FieldsEntry {
  kind: 'fields';
  name: string;
  version: number;
  ctor: Function;
  proto: object;
  options: SerializableOptions;
  exclude: ReadonlySet<string>;
}

export interface ConstructorEntry {
  kind: 'constructor';
  name: string;
  version: number;
  ctor: new (...args: any[]) => any;
  options: ConstructorSerializedOptions;
  /** `design:paramtypes` of the decorated constructor, when TypeScript emitted them. */
  paramTypes: readonly unknown[] | undefined;
  argsOf(obj: object): unknown[] | undefined;
}

export interface CodecEntry {
  kind: 'codec';
  name: string;
  version: number;
  ctor: Function;
  subclasses: boolean;
  /** The codec's own functions; the graph layer passes the options of `save`/`load` as `ctx.options`. */
  encode(value: any, ctx: EncodeContext<object>): unknown;
  decode(encoded: any, ctx: DecodeContext<object>, version: number): unknown;
  /** See `CodecOptions.check`: `decode`'s checks without building, for verify and inspect. */
  check?(encoded: unknown, ctx: DecodeContext<object>, version: number): void;
}

export type ClassEntry = FieldsEntry | ConstructorEntry | CodecEntry;

/**
 * Codecs that a registry registers only when first needed ({@link Registry.defer}), so
 * that a process which never meets their values never loads what they import (the tensor
 * layer's model codecs and tfjs-layers). Once registered they are ordinary codecs: the
 * registry answers every question as if they had been registered at `defer`.
 */
export interface DeferredCodecs {
  /** The stable names `register` registers: asking for one (a file names it) registers them. */
  readonly names: readonly string[];
  /**
   * Whether an object whose prototype chain starts at `proto` may be one of their
   * values (or a subclass of one): asked when a lookup finds no entry, and of every class
   * registered while they are pending. Must be cheap and load nothing; a false `true`
   * only costs registering early.
   */
  mayHandle(proto: object): boolean;
  /** Registers the codecs in `registry` (with `registerCodec`). Called at most once per registry. */
  register(registry: Registry): void;
}

/**
 * Knows how each class, codec and function is stored, by constructor and by stable name.
 * Registries are independent instances; {@link defaultRegistry} is the one the decorators
 * and the `register*` helpers use unless told otherwise.
 */
export class Registry {
  readonly #byName = new Map<string, ClassEntry>();
  readonly #byProto = new Map<object, ClassEntry>();
  /** Results of {@link lookup} by prototype, misses included; emptied by every registration. */
  #lookupCache = new WeakMap<object, ClassEntry | null>();
  readonly #functionsByName = new Map<string, Function>();
  readonly #functionNames = new Map<Function, string>();
  /** Codecs deferred by {@link defer} and not yet registered. */
  #pending: DeferredCodecs[] = [];

  /** Registers a class entry; throws `RegistrationError` if its name is taken by another class. */
  add(entry: ClassEntry): void {
    // Deferred codecs that this entry could collide with or override go first, as they would have had they been registered at once.
    if (this.#pending.length > 0) {
      const proto: unknown = entry.ctor?.prototype;
      this.#registerPending((d) => d.names.includes(entry.name) || (typeof proto === 'object' && proto !== null && d.mayHandle(proto)));
    }
    if (!entry.name) {
      throw new RegistrationError('a registered class needs a name: this class is anonymous, so pass { name: "..." }');
    }
    if (!Number.isInteger(entry.version) || entry.version < 1) {
      throw new RegistrationError(`"${entry.name}": version must be a positive integer, got ${String(entry.version)}`);
    }
    const existing = this.#byName.get(entry.name);
    if (existing && existing.ctor !== entry.ctor) {
      throw new RegistrationError(
        `two different classes are registered under the name "${entry.name}"; give one of them an explicit { name }`,
      );
    }
    const proto = entry.ctor.prototype as object;
    const previous = this.#byProto.get(proto);
    if (previous && previous.name !== entry.name) {
      this.#byName.delete(previous.name);
    }
    this.#byName.set(entry.name, entry);
    this.#byProto.set(proto, entry);
    // A new entry can change the answer for other prototypes too: a subclass codec
    // covers subclasses looked up (and cached as misses) before it was registered.
    this.#lookupCache = new WeakMap();
  }

  /** The entry for an object's class: exact prototype first, then a `subclasses` codec up the chain. */
  lookup(obj: object): ClassEntry | undefined {
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto === null) return undefined;
    const cached = this.#lookupCache.get(proto);
    if (cached !== undefined) return cached ?? undefined;
    let found: ClassEntry | undefined = this.#byProto.get(proto);
    if (!found) {
      for (let p = Object.getPrototypeOf(proto) as object | null; p !== null; p = Object.getPrototypeOf(p)) {
        const e = this.#byProto.get(p);
        if (e) {
          if (e.kind === 'codec' && e.subclasses) found = e;
          break;
        }
      }
    }
    if (!found && this.#pending.length > 0 && this.#registerPending((d) => d.mayHandle(proto))) return this.lookup(obj);
    this.#lookupCache.set(proto, found ?? null);
    return found;
  }

  /** The nearest registered ancestor class of an unregistered object, for error messages. */
  registeredAncestor(obj: object): ClassEntry | undefined {
    const proto = Object.getPrototypeOf(obj) as object | null;
    if (proto !== null && this.#pending.length > 0) this.#registerPending((d) => d.mayHandle(proto));
    for (let p = Object.getPrototypeOf(obj) as object | null; p !== null; p = Object.getPrototypeOf(p)) {
      const e = this.#byProto.get(p);
      if (e) return e;
    }
    return undefined;
  }

  byStableName(name: string): ClassEntry | undefined {
    const entry = this.#byName.get(name);
    if (entry || this.#pending.length === 0 || !this.#registerPending((d) => d.names.includes(name))) return entry;
    return this.#byName.get(name);
  }

  /**
   * Registers `codecs` when first needed instead of now: when a lookup meets an object
   * they may handle (`mayHandle`), when a file or caller asks for one of their `names`,
   * or when a class is registered that could collide with or override them. Lookups,
   * names, collisions and overrides then come out as if they had been registered now.
   * A name of theirs already held registers them at once (and throws as `registerCodec`
   * would).
   * @throws RegistrationError when registering them now fails.
   */
  defer(codecs: DeferredCodecs): void {
    this.#pending.push(codecs);
    this.#lookupCache = new WeakMap(); // a cached miss may be theirs
    if (codecs.names.some((n) => this.#byName.has(n))) this.#registerPending((d) => d === codecs);
  }

  /** Registers the pending deferred codecs that `which` selects; true if there was one. */
  #registerPending(which: (codecs: DeferredCodecs) => boolean): boolean {
    const due = this.#pending.filter(which);
    if (due.length === 0) return false;
    this.#pending = this.#pending.filter((d) => !due.includes(d));
    for (const codecs of due) codecs.register(this);
    return true;
  }

  /** Registers `fn` under `name`, so that a graph holding it can be saved and loaded. */
  registerFunction(name: string, fn: Function): void {
    if (typeof fn !== 'function') throw new RegistrationError(`registerFunction("${name}"): expected a function, got ${typeof fn}`);
    if (!name) throw new RegistrationError('registerFunction: the name must be a non-empty string');
    const existing = this.#functionsByName.get(name);
    if (existing && existing !== fn) {
      throw new RegistrationError(`two different functions are registered under the name "${name}"`);
    }
    const oldName = this.#functionNames.get(fn);
    if (oldName !== undefined && oldName !== name) {
      throw new RegistrationError(`this function is already registered as "${oldName}"; cannot register it again as "${name}"`);
    }
    this.#functionsByName.set(name, fn);
    this.#functionNames.set(fn, name);
  }

  functionName(fn: Function): string | undefined {
    return this.#functionNames.get(fn);
  }

  functionByName(name: string): Function | undefined {
    return this.#functionsByName.get(name);
  }

  /** Registers a codec for a class we cannot decorate (tfjs classes, Node built-ins). */
  registerCodec<T, S extends object = Record<string, unknown>, L extends object = Record<string, unknown>>(
    ctor: abstract new (...args: any[]) => T,
    options: CodecOptions<T, any, S, L>,
  ): void {
    if (typeof ctor !== 'function' || typeof ctor.prototype !== 'object') {
      throw new RegistrationError(`registerCodec("${options?.name}"): expected a class, got ${typeof ctor}`);
    }
    this.add({
      kind: 'codec',
      name: options.name,
      version: options.version ?? 1,
      ctor,
      subclasses: options.subclasses ?? false,
      encode: options.encode,
      decode: options.decode,
      check: options.check,
    });
  }

  /** Names of everything registered (deferred codecs included), for diagnostics. */
  names(): string[] {
    return [...new Set([...this.#byName.keys(), ...this.#pending.flatMap((d) => d.names)])];
  }
}

/** The registry used by the decorators and helpers when none is given. */
export const defaultRegistry = new Registry();

/** Registers a codec in the default registry. See {@link Registry.registerCodec}. */
export function registerCodec<T, S extends object = Record<string, unknown>, L extends object = Record<string, unknown>>(
  ctor: abstract new (...args: any[]) => T,
  options: CodecOptions<T, any, S, L>,
): void {
  defaultRegistry.registerCodec(ctor, options);
}

/** Registers a function in the default registry. See {@link Registry.registerFunction}. */
export function registerFunction(name: string, fn: Function): void {
  defaultRegistry.registerFunction(name, fn);
}
