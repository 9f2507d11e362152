/**
 * A step on the way from the root to a value: a property name, an array index, a Map
 * entry or a labelled inner part (`<args>` of a constructor, `<state>` of a class).
 * Kept raw while walking and formatted only when an error needs it.
 */
export type PathStep = string | number | { mapKey: unknown } | { mapEntryKey: number } | { setItem: number } | { label: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Paths longer than this many steps keep their first and last `PATH_KEEP` steps, with a count in between. */
export const PATH_MAX_STEPS = 64;
const PATH_KEEP = 24;
/** A key longer than this many characters is shortened in the middle. */
const KEY_MAX = 80;

/**
 * Formats steps as `.plugins[1].storage.get("k")`; the root is the empty string. A path
 * of more than {@link PATH_MAX_STEPS} steps (a 100,000-node linked list) is shortened
 * in the middle: `.next.next….<99,952 more steps>….next.value`, and so are very long keys.
 */
export function formatPath(steps: readonly PathStep[]): string {
  return formatPathOf(steps.length, (i) => steps[i]!);
}

/**
 * {@link formatPath} of `count` steps that `stepAt` gives by position, asking only for
 * the steps it prints (at most 2 × 24 of a long path), so that a walker can keep its
 * path implicit in its stack instead of as an array of steps.
 */
export function formatPathOf(count: number, stepAt: (i: number) => PathStep): string {
  if (count <= PATH_MAX_STEPS) return formatSteps(stepAt, 0, count);
  const skipped = count - 2 * PATH_KEEP;
  return `${formatSteps(stepAt, 0, PATH_KEEP)}.<${skipped} more steps>${formatSteps(stepAt, count - PATH_KEEP, count)}`;
}

function formatSteps(stepAt: (i: number) => PathStep, from: number, to: number): string {
  let out = '';
  for (let i = from; i < to; i++) {
    const step = stepAt(i);
    if (typeof step === 'number') out += `[${step}]`;
    else if (typeof step === 'string') out += IDENTIFIER.test(step) && step.length <= KEY_MAX ? `.${step}` : `[${quote(step)}]`;
    else if ('mapKey' in step) out += `.get(${describeKey(step.mapKey)})`;
    else if ('mapEntryKey' in step) out += `.keys()[${step.mapEntryKey}]`;
    else if ('setItem' in step) out += `.values()[${step.setItem}]`;
    else out += `.${step.label}`;
  }
  return out;
}

function quote(s: string): string {
  if (s.length <= KEY_MAX) return JSON.stringify(s);
  const half = KEY_MAX / 2;
  return `${JSON.stringify(s.slice(0, half)).slice(0, -1)}…<${s.length - KEY_MAX} more characters>…${JSON.stringify(s.slice(-half)).slice(1)}`;
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return quote(key);
  if (typeof key === 'number' || typeof key === 'boolean' || key === null || key === undefined) return String(key);
  if (typeof key === 'bigint') return key >= -(10n ** 20n) && key <= 10n ** 20n ? `${key}n` : '<bigint>';
  return `<${typeof key}>`;
}
