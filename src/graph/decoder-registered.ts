import { CheckpointError, CheckpointFormatError, MigrationError, UnknownClassError } from '../errors.js';
import type { ClassEntry } from '../registry/index.js';
import { adoptLiveArgs } from './adopt-live-args.js';
import { Checked, checked } from './decoder-frame.js';
import type { GraphDecoder } from './graph-decoder.js';
import { Tag } from './tags.js';

/*
 * Finishing the definitions of registered classes, constructor-serialized objects and
 * codec values, for the GraphDecoder: names and versions checked against the registry,
 * migrate, setState, constructors, de-duplication and codecs (decode, or check when
 * inspecting). Nothing here runs unless the loading process registered it.
 */

/**
 * Reads a class, codec or constructor name and version and checks them against the
 * registry (when inspecting without one, only records them).
 */
export function readEntry(dec: GraphDecoder, kind: ClassEntry['kind'], label: string): { entry: ClassEntry | undefined; version: number; name: string } {
  const name = dec.string();
  const version = dec.reader.varint();
  if (!dec.build) dec.summary.classes[`${name}@${version}`] = (dec.summary.classes[`${name}@${version}`] ?? 0) + 1;
  const entry = dec.registry ? dec.registry.byStableName(name) : dec.opts.checks?.byStableName(name);
  if (!entry) {
    if (!dec.registry) return { entry: undefined, version, name };
    throw new UnknownClassError(name, label, dec.path());
  }
  if (entry.kind !== kind) {
    throw new MigrationError('KIND_CHANGED', `"${name}" was saved as a ${label} but is now registered as a ${entry.kind} class`, { path: dec.path() });
  }
  if (version > entry.version) {
    throw new MigrationError(
      'VERSION_NEWER',
      `"${name}" was saved at version ${version}, newer than the registered version ${entry.version}; load it with a newer build of its class`,
      { path: dec.path() },
    );
  }
  if (entry.kind !== 'codec' && version !== entry.version && !entry.options.migrate) {
    throw new MigrationError(
      'NO_MIGRATION',
      `"${entry.name}" was saved at version ${version} but is registered at version ${entry.version} without a migrate hook`,
      { path: dec.path() },
    );
  }
  return { entry, version, name };
}

function migrated<T>(dec: GraphDecoder, entry: ClassEntry, version: number, data: T, migrate: ((d: T, v: number) => T) | undefined): T {
  if (version === entry.version || !migrate) return data;
  try {
    return migrate(data, version);
  } catch (err) {
    throw new MigrationError('MIGRATION_FAILED', `migrating "${entry.name}" from version ${version} failed: ${(err as Error)?.message}`, { path: dec.path(), cause: err });
  }
}

export function applyState(dec: GraphDecoder, d: number, raw: unknown): void {
  const frame = dec.stack.extra(d);
  const entry = frame.entry;
  if (entry?.kind !== 'fields') return; // inspecting without a registry
  const { setState, migrate } = entry.options;
  if (!dec.build) {
    // What a state must be is known only when no hook can change it.
    const isObject = raw instanceof Checked ? raw.tag !== Tag.FUNCTION : typeof raw === 'object' && raw !== null;
    if (!setState && frame.version === entry.version && !isObject) notAnObject(dec, entry.name);
    return;
  }
  const state = migrated(dec, entry, frame.version, raw, migrate);
  const obj = frame.owner as Record<string, unknown>;
  if (setState) {
    try {
      setState(obj, state);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('SET_STATE_FAILED', `setState of "${entry.name}" failed: ${(err as Error)?.message}`, { path: dec.path(), cause: err });
    }
    return;
  }
  if (typeof state !== 'object' || state === null) notAnObject(dec, entry.name);
  for (const key of Object.keys(state)) {
    Object.defineProperty(obj, key, { value: (state as Record<string, unknown>)[key], writable: true, enumerable: true, configurable: true });
  }
}

function notAnObject(dec: GraphDecoder, name: string): never {
  throw new CheckpointFormatError('BAD_GRAPH', `state of "${name}" is not an object and the class has no setState`, { path: dec.path() });
}

export function finishConstructed(dec: GraphDecoder, d: number): unknown {
  const frame = dec.stack.extra(d);
  const raw = dec.stack.aux(d);
  const id = dec.stack.id(d);
  const isArray = Array.isArray(raw) || (raw instanceof Checked && raw.tag === Tag.ARRAY);
  dec.extraStep = frame.label;
  if (!isArray) dec.reader.fail(`arguments of "${frame.name}" are not an array`, dec.stack.at(d));
  const entry = frame.entry;
  if (!dec.build || entry?.kind !== 'constructor') {
    dec.extraStep = undefined;
    return dec.setObject(id, checked(Tag.CONSTRUCTOR));
  }
  const args = migrated(dec, entry, frame.version, raw as unknown[], entry.options.migrate);
  dec.extraStep = undefined;
  let obj: object | undefined;
  let key: number | undefined;
  if (entry.options.deduplicate) {
    const unique = dec.unique!;
    // No live objects to reuse: no keys to compute.
    if (unique.size > 0) obj = unique.find((key = unique.keyOf(entry.name, args)));
    if (obj) {
      dec.stats.reused++;
      const liveArgs = entry.argsOf(obj);
      if (liveArgs) adoptLiveArgs(dec, args, liveArgs, id + 1);
    } else {
      dec.stats.rebuilt++;
    }
  }
  if (!obj) {
    try {
      obj = new entry.ctor(...args) as object;
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('CONSTRUCTOR_FAILED', `constructing "${entry.name}" from its stored arguments failed: ${(err as Error)?.message}`, { path: dec.path(), cause: err });
    }
    if (key !== undefined) dec.unique!.note(obj, key);
  }
  return dec.setObject(id, obj);
}

export function finishCodec(dec: GraphDecoder, d: number): unknown {
  const frame = dec.stack.extra(d);
  const inner = dec.stack.aux(d);
  const id = dec.stack.id(d);
  const entry = frame.entry;
  if (!dec.build && frame.checking && entry?.kind === 'codec') {
    dec.plainDepth--;
    try {
      entry.check!(inner, dec, frame.version);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to decode: ${(err as Error)?.message}`, { path: dec.path(), cause: err });
    }
  }
  if (!dec.build) return dec.setObject(id, new Checked(Tag.CODEC, 0, frame.name));
  if (entry?.kind !== 'codec') return dec.setObject(id, checked(Tag.CODEC));
  let obj: unknown;
  try {
    obj = entry.decode(inner, dec, frame.version);
  } catch (err) {
    if (err instanceof CheckpointError) throw err;
    throw new CheckpointError('CODEC_FAILED', `codec "${entry.name}" failed to decode: ${(err as Error)?.message}`, { path: dec.path(), cause: err });
  }
  return dec.setObject(id, obj);
}
