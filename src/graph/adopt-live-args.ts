/**
 * A reused live object stands for the one the file described, so the objects defined
 * inside its stored arguments stand for the live object's own arguments: later
 * references to them (an experience sharing the dataset's class list) must reach the
 * live ones. The two argument graphs have equal canonical encodings, so they have the
 * same shape; walk them side by side and replace every decoded object defined since
 * `fromId` (in `objects`, the decoder's object table) by its live counterpart.
 */
export function adoptLiveArgs(objects: unknown[], decoded: unknown, live: unknown, fromId: number): void {
  const ids = new Map<unknown, number>();
  for (let i = fromId; i < objects.length; i++) ids.set(objects[i], i);
  const seen = new Set<unknown>();
  const stack: Array<[unknown, unknown]> = [[decoded, live]];
  while (stack.length > 0) {
    const [d, l] = stack.pop()!;
    // The same object on both sides (a nested object already reused) has nothing to adopt inside.
    if (typeof d !== 'object' || d === null || typeof l !== 'object' || l === null || d === l || seen.has(d)) continue;
    seen.add(d);
    const id = ids.get(d);
    if (id !== undefined) objects[id] = l;
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
