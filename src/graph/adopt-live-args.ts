/** The decoder's object table: objects by id, and (while live objects may be reused) ids by object. */
export interface ObjectTable {
  readonly objects: readonly unknown[];
  readonly idOf: ReadonlyMap<unknown, number> | undefined;
  setObject(id: number, v: unknown): unknown;
}

/**
 * A reused live object stands for the one the file described, so the objects defined
 * inside its stored arguments stand for the live object's own arguments: later
 * references to them (an experience sharing the dataset's class list) must reach the
 * live ones. The two argument graphs have equal canonical encodings, so they have the
 * same shape; walk them side by side and replace every decoded object defined since
 * `fromId` (in the decoder's object table, found by `idOf` in constant time, so a chain of
 * reused objects costs linear time) by its live counterpart.
 */
export function adoptLiveArgs(table: ObjectTable, decoded: unknown, live: unknown, fromId: number): void {
  const { objects, idOf } = table;
  const seen = new Set<unknown>();
  const stack: Array<[unknown, unknown]> = [[decoded, live]];
  while (stack.length > 0) {
    const [d, l] = stack.pop()!;
    // The same object on both sides (a nested object already reused) has nothing to adopt inside.
    if (typeof d !== 'object' || d === null || typeof l !== 'object' || l === null || d === l || seen.has(d)) continue;
    seen.add(d);
    const id = idOf?.get(d);
    if (id !== undefined && id >= fromId && objects[id] === d) table.setObject(id, l);
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
