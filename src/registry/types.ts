import type { SectionKind, SectionPayload, SectionView } from '../format/sections.js';

export type { SectionKind, SectionView };

/**
 * What a codec or hook sees while a value is being saved. Implemented by the graph layer.
 * `O` is the type of the save options the codec reads; the tensor codecs read
 * `TensorSaveOptions`, which `SerializeOptions` extends, so `save`'s options reach them typed.
 */
export interface EncodeContext<O extends object = Record<string, unknown>> {
  /** The options given to `serialize`/`save` (e.g. `deviceTag`), read-only. */
  readonly options: Readonly<O>;
  /** The graph path of the value being encoded, e.g. `.model.layers[0]`. */
  path(): string;
  /**
   * Stores raw bytes in an aligned, checksummed section of the file and returns its
   * index. `dedupKey`: a second call with the same key returns the first index
   * without storing the bytes again (a tensor referenced twice is stored once).
   */
  addSection(section: SectionInput): number;
}

/**
 * What a codec or hook sees while a value is being loaded. Implemented by the graph layer.
 * `O` is the type of the load options the codec reads; the tensor codecs read
 * `TensorLoadOptions`, which `DeserializeOptions` extends.
 */
export interface DecodeContext<O extends object = Record<string, unknown>> {
  /** The options given to `deserialize`/`load` (e.g. `mapLocation`), read-only. */
  readonly options: Readonly<O>;
  path(): string;
  /** The section stored under `index`, its checksum already verified. Throws `CheckpointFormatError` if absent. */
  section(index: number): SectionView;
}

/** A section a codec stores through `ctx.addSection`: the format layer's payload and a de-duplication key. */
export interface SectionInput extends SectionPayload {
  /** A second `addSection` with the same key returns the first section's index without storing the bytes again. */
  dedupKey?: unknown;
}

/**
 * How `registerCodec` stores instances of a class: `T` the class, `E` its encoded form,
 * `SaveOptions`/`LoadOptions` the options its `encode`/`decode` read from `ctx.options`
 * (the options of `save`/`load` must include them: `SerializeOptions` and
 * `DeserializeOptions` extend the tensor layer's).
 */
export interface CodecOptions<T, E = unknown, SaveOptions extends object = Record<string, unknown>, LoadOptions extends object = Record<string, unknown>> {
  /** Stable name stored in the file; must be unique within the registry. */
  name: string;
  /** Version of the encoded form; stored in the file and passed to `decode`. Default 1. */
  version?: number;
  encode(value: T, ctx: EncodeContext<SaveOptions>): E;
  /** Inverse of `encode`. `version` is the one the file was written with. */
  decode(encoded: E, ctx: DecodeContext<LoadOptions>, version: number): T;
  /**
   * Checks a stored value as `decode` would, building nothing: `reprise verify` and
   * `inspect` call it so that a value `decode` refuses fails to verify with the same
   * error (code and path). It sees the value's plain data built (arrays, plain and
   * null-prototype objects, Maps, Sets, Dates, RegExps, primitives); a class instance,
   * constructor-serialized object, codec value, function, ArrayBuffer or view inside it
   * is an opaque stand-in object (`standInOf` in the graph layer tells which, and the
   * name of a function or codec value). `decode` should start with the same checks
   * (call `check` first), so the two cannot drift apart; a `check` may also run `decode`
   * itself and discard the result when only building finds a fault (the model and
   * optimizer codecs do). `ctx.options` are the `mapLocation` verify was given. Default:
   * none (verify then checks only the grammar of the value).
   */
  check?(encoded: unknown, ctx: DecodeContext<LoadOptions>, version: number): void;
  /** Also use this codec for instances of subclasses that have no registration of their own. Default false. */
  subclasses?: boolean;
}

export interface SerializableOptions<T = any> {
  /** Stable name stored in the file. Default: the class name (see README: an explicit name survives renames and minifiers). */
  name?: string;
  /** Version of the stored state. Default 1. A file with a newer version is refused with `MigrationError`. */
  version?: number;
  /** Brings a state stored by an older `version` up to the current one. */
  migrate?: (state: any, fromVersion: number) => any;
  /** What to store instead of the instance's own enumerable fields (Python's `__getstate__`). */
  getState?: (obj: T) => unknown;
  /** Restores the instance from what `getState` returned (Python's `__setstate__`). Default: assign the fields. */
  setState?: (obj: T, state: any) => void;
  /** Fields never stored (caches, open handles); left unset on load. */
  exclude?: readonly string[];
  /**
   * Makes the blank instance that fields or `setState` fill. Default:
   * `Object.create(prototype)`, so no constructor runs. Classes with `#private` fields
   * need it, since only their constructor can install those fields.
   */
  create?: () => T;
}

export interface ConstructorSerializedOptions<T = any> {
  /** Stable name stored in the file. Default: the class name. */
  name?: string;
  /** Version of the stored arguments. Default 1. */
  version?: number;
  /** Brings arguments stored by an older `version` up to the current one. */
  migrate?: (args: unknown[], fromVersion: number) => unknown[];
  /** The constructor arguments to store. Default: the ones the constructor received, captured at construction. */
  args?: (obj: T) => unknown[];
  /**
   * When loading, reuse an equal live instance found in `uniqueObjects` (same class,
   * same canonical arguments) instead of constructing a new one. Default false.
   */
  deduplicate?: boolean;
}
