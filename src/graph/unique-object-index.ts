import type { Registry } from '../registry/index.js';
import { canonicalKey } from './canonical-key.js';

/**
 * The live objects a load may reuse: every instance of a class registered with
 * `@constructorSerialized({ deduplicate: true })` reachable from `uniqueObjects`
 * (through arrays, plain objects, Maps, Sets and the own fields of any object), keyed by
 * {@link canonicalKey}. The first of several equal instances wins.
 */
export class UniqueObjectIndex {
  private readonly byKey = new Map<string, object>();

  constructor(
    private readonly registry: Registry,
    uniqueObjects: unknown,
  ) {
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
        const args = entry.argsOf(v);
        if (args) {
          const key = canonicalKey(registry, entry.name, args);
          if (!this.byKey.has(key)) this.byKey.set(key, v);
        }
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
    return this.byKey.size;
  }

  /** The live object equal to a `name` instance built from `args`, if any. */
  find(name: string, args: readonly unknown[]): object | undefined {
    if (this.byKey.size === 0) return undefined;
    return this.byKey.get(canonicalKey(this.registry, name, args));
  }
}
