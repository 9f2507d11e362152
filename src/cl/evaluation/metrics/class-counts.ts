import type { MeanState } from './plugin-metric.js';

/** Correct (`sum`) over seen (`weight`) per task label, then per class. */
export type ClassCounts = Map<number, Map<number, MeanState>>;

/** Classes declared up front: per task label, or one list for task 0. */
export type DeclaredClasses = Record<number, readonly number[]> | readonly number[];

/** Fresh counts holding a zero entry for every declared class. */
export function emptyClassCounts(declared: DeclaredClasses | undefined): ClassCounts {
  const counts: ClassCounts = new Map();
  if (declared === undefined) return counts;
  const byTask: Array<[number, readonly number[]]> = Array.isArray(declared)
    ? [[0, declared as readonly number[]]]
    : Object.entries(declared).map(([t, cs]) => [Number(t), cs as readonly number[]]);
  for (const [task, classes] of byTask) {
    const perClass = new Map<number, MeanState>();
    for (const c of classes) perClass.set(c, { sum: 0, weight: 0 });
    counts.set(task, perClass);
  }
  return counts;
}

/** Adds a mini-batch: `tasks[i]` is sample i's task label. */
export function addToClassCounts(counts: ClassCounts, predicted: Int32Array, truth: Int32Array, tasks: Int32Array): void {
  for (let i = 0; i < truth.length; i++) {
    let perClass = counts.get(tasks[i]!);
    if (!perClass) counts.set(tasks[i]!, (perClass = new Map()));
    const m = perClass.get(truth[i]!);
    const hit = predicted[i] === truth[i] ? 1 : 0;
    if (m) {
      m.sum += hit;
      m.weight += 1;
    } else {
      perClass.set(truth[i]!, { sum: hit, weight: 1 });
    }
  }
}

/** Accuracy per task, then per class, both ascending. */
export function classAccuracies(counts: ClassCounts): Map<number, Map<number, number>> {
  const out = new Map<number, Map<number, number>>();
  for (const [task, perClass] of [...counts].sort((a, b) => a[0] - b[0])) {
    out.set(
      task,
      new Map([...perClass].sort((a, b) => a[0] - b[0]).map(([c, m]) => [c, m.weight > 0 ? m.sum / m.weight : 0])),
    );
  }
  return out;
}
