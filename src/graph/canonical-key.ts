import { CheckpointError } from '../errors.js';
import { crc32c } from '../format/checksum.js';
import { sectionBytesSync } from '../format/sections.js';
import type { ConstructorEntry, Registry } from '../registry/index.js';
import { encodeGraph } from './encoder.js';

/**
 * The identities of de-duplicated objects, for one load: each constructor-serialized
 * object is keyed by its registered name and the standalone graph encoding of its
 * constructor arguments (sections summarised by kind, dtype, shape, length and
 * checksum), in which every constructor-serialized object nested in the arguments
 * stands as the id of its own key. Two objects with equal keys are interchangeable.
 *
 * Keying a nested object by its key id, computed once per object, keeps the work
 * linear: a chain of N objects each holding the previous costs N keys of constant size,
 * where encoding each one's arguments in full would cost N keys of size O(N).
 */
export class CanonicalKeys {
  readonly #ids = new Map<string, number>();
  readonly #byObject = new WeakMap<object, number>();
  /** Characters of key text produced so far: the work done, for tests and benchmarks. */
  keyChars = 0;

  readonly #registry: Registry;

  constructor(registry: Registry) {
    this.#registry = registry;
  }

  /**
   * The key id of a `name` instance built from `args`. Nested constructor-serialized
   * objects whose keys are not known yet are keyed first (an explicit work list, no
   * recursion), each once.
   * @throws CheckpointError `CONSTRUCTOR_CYCLE` when the arguments of nested objects
   *   lead back to one another (such objects cannot be saved either), and what
   *   `encodeGraph` throws for arguments that cannot be encoded.
   */
  idOf(name: string, args: readonly unknown[]): number {
    return this.#run({ obj: undefined, name, args });
  }

  /** The key id of the live object `obj` of constructor class `entry`, or undefined when its arguments are not known. */
  idOfObject(obj: object, entry: ConstructorEntry): number | undefined {
    const known = this.#byObject.get(obj);
    if (known !== undefined) return known;
    const args = entry.argsOf(obj);
    if (!Array.isArray(args)) return undefined;
    return this.#run({ obj, name: entry.name, args });
  }

  /** Every key text so far, by id. */
  texts(): string[] {
    return [...this.#ids.keys()];
  }

  /** Records that `obj` (just built from arguments whose key id is `id`) has that key. */
  note(obj: object, id: number): void {
    this.#byObject.set(obj, id);
  }

  /**
   * Keys `root` depth first over an explicit stack: an attempt that meets nested
   * objects without a key pushes them (each once) and is repeated once they have one.
   * The objects whose attempts are waiting are the ancestors of the top of the stack; one
   * of them met again is a cycle.
   */
  #run(root: Work): number {
    const work: Work[] = [root];
    const waiting = new Set<object>();
    for (;;) {
      const top = work[work.length - 1]!;
      const done = top.obj && this.#byObject.get(top.obj);
      if (done !== undefined) {
        // Pushed twice (wanted by two objects) and keyed through the other.
        work.pop();
        if (work.length === 0) return done;
        continue;
      }
      const missing = new Map<object, Work>();
      const key = this.#keyText(top.name, top.args, (obj, entry) => {
        const id = this.#byObject.get(obj);
        if (id !== undefined) return id;
        const args = entry.argsOf(obj);
        if (!Array.isArray(args)) return undefined; // encoded in full: the encoder says what is wrong
        if (obj === top.obj || waiting.has(obj)) {
          throw new CheckpointError('CONSTRUCTOR_CYCLE', `the constructor arguments of "${entry.name}" lead back to it through constructor-serialized objects`);
        }
        if (!missing.has(obj)) missing.set(obj, { obj, name: entry.name, args });
        return null;
      });
      if (missing.size > 0) {
        if (top.obj) waiting.add(top.obj);
        work.push(...missing.values());
        continue;
      }
      work.pop();
      if (top.obj) waiting.delete(top.obj);
      let id = this.#ids.get(key);
      if (id === undefined) this.#ids.set(key, (id = this.#ids.size));
      if (top.obj) this.#byObject.set(top.obj, id);
      if (work.length === 0) return id;
    }
  }

  #keyText(name: string, args: readonly unknown[], keyed: (obj: object, entry: ConstructorEntry) => number | null | undefined): string {
    const { graph, sections } = encodeGraph(args, { registry: this.#registry, keyed });
    let key = `${name}\u0000${latin1(graph)}`;
    for (const s of sections) {
      key += `\u0000${s.kind}:${s.dtype ?? ''}:${(s.shape ?? []).join('x')}:${s.data.byteLength}:${crc32c(sectionBytesSync(s.data))}`;
    }
    this.keyChars += key.length;
    return key;
  }
}

interface Work {
  obj: object | undefined;
  name: string;
  args: readonly unknown[];
}

/**
 * The identity of a de-duplicated object as one string, standalone: the keys of
 * {@link CanonicalKeys} it took, in the order their ids were given (each refers only to
 * earlier ones), and the id of `name` with `args`. Equal strings, interchangeable objects.
 */
export function canonicalKey(registry: Registry, name: string, args: readonly unknown[]): string {
  const keys = new CanonicalKeys(registry);
  const id = keys.idOf(name, args);
  return `${keys.texts().join('\u0001')}\u0002${id}`;
}

/** Each byte as one char code 0–255 (what Node's `latin1` decoding gives), in chunks for the argument limit. */
function latin1(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 0x2000) out += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x2000) as unknown as number[]);
  return out;
}
