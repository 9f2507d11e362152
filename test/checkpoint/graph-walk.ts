import { defaultRegistry } from '../../src/registry/index.js';

/** Every object reachable from `root` through fields, arrays, Maps and Sets (typed arrays not entered). */
export function reachable(root: unknown): Set<object> {
  const seen = new Set<object>();
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if ((typeof v !== 'object' && typeof v !== 'function') || v === null || seen.has(v)) continue;
    seen.add(v);
    if (ArrayBuffer.isView(v) || v instanceof ArrayBuffer) continue;
    if (v instanceof Map) for (const [k, x] of v) stack.push(k, x);
    else if (v instanceof Set) for (const x of v) stack.push(x);
    else for (const k of Object.keys(v)) stack.push((v as Record<string, unknown>)[k]);
  }
  return seen;
}

/** The de-duplicated (`deduplicate: true`) instances reachable from `root`. */
export function deduplicatedObjects(root: unknown): object[] {
  return [...reachable(root)].filter((o) => {
    const e = defaultRegistry.lookup(o);
    return e?.kind === 'constructor' && e.options.deduplicate === true;
  });
}
