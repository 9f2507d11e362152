import type { Registry } from '../registry/index.js';
import { CanonicalKeys } from './canonical-key.js';

/**
 * The live objects a load may reuse: every instance of a class registered with
 * `@constructorSerialized({ deduplicate: true })` reachable from `uniqueObjects`
 * (through arrays, plain objects, Maps, Sets and the own fields of any object), by the
 * id of its canonical key ({@link CanonicalKeys}, one table per load, so nested objects
 * are keyed once). The first of several equal instances wins.
 */
export class UniqueObjectIndex {
  readonly keys: CanonicalKeys;
  readonly #byKey = new Map<number, object>();

  constructor(registry: Registry, uniqueObjects: unknown) {
    this.keys = new CanonicalKeys(registry);
    if (uniqueObjects === undefined || uniqueObjects === null) return;
    const seen = new Set<object>();
    const stack: unknown[] = Array.isArray(uniqueObjects) ? [...uniqueObjects].reverse() : [uniqueObjects];
    while (stack.length > 0) {
      const v = stack.pop();
      if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) continue;
      seen.add(v);
      if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
      const entry = registry.lookup(v);
      if (entry?.kind === 'codec') continue;
      if (entry?.kind === 'constructor' && entry.options.deduplicate) {
        const id = this.keys.idOfObject(v, entry);
        if (id !== undefined && !this.#byKey.has(id)) this.#byKey.set(id, v);
      }
      if (v instanceof Map) {
        for (const [k, val] of v) stack.push(val, k);
      } else if (v instanceof Set) {
        for (const item of v) stack.push(item);
      } else if (typeof v === 'object') {
        const keys = Object.keys(v);
        for (let i = keys.length - 1; i >= 0; i--) stack.push((v as Record<string, unknown>)[keys[i]!]);
      }
    }
  }

  get size(): number {
    return this.#byKey.size;
  }

  /** The key id of a `name` instance built from `args`. */
  keyOf(name: string, args: readonly unknown[]): number {
    return this.keys.idOf(name, args);
  }

  /** The live object whose key id is `id`, if any. */
  find(id: number): object | undefined {
    return this.#byKey.get(id);
  }

  /** Records the key id of an object just built from arguments with that key, so that arguments holding it are keyed without encoding it again. */
  note(obj: object, id: number): void {
    this.keys.note(obj, id);
  }
}
