/**
 * A step on the way from the root to a value: a property name, an array index, a Map
 * entry or a labelled inner part (`<args>` of a constructor, `<state>` of a class).
 * Kept raw while walking and formatted only when an error needs it.
 */
export type PathStep = string | number | { mapKey: unknown } | { mapEntryKey: number } | { setItem: number } | { label: string };

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** Formats steps as `.plugins[1].storage.get("k")`; the root is the empty string. */
export function formatPath(steps: readonly PathStep[]): string {
  let out = '';
  for (const step of steps) {
    if (typeof step === 'number') out += `[${step}]`;
    else if (typeof step === 'string') out += IDENTIFIER.test(step) ? `.${step}` : `[${JSON.stringify(step)}]`;
    else if ('mapKey' in step) out += `.get(${describeKey(step.mapKey)})`;
    else if ('mapEntryKey' in step) out += `.keys()[${step.mapEntryKey}]`;
    else if ('setItem' in step) out += `.values()[${step.setItem}]`;
    else out += `.${step.label}`;
  }
  return out;
}

function describeKey(key: unknown): string {
  if (typeof key === 'string') return JSON.stringify(key);
  if (typeof key === 'number' || typeof key === 'boolean' || key === null || key === undefined) return String(key);
  if (typeof key === 'bigint') return `${key}n`;
  return `<${typeof key}>`;
}
