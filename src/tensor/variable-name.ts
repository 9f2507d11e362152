import * as tf from '#tfjs-core';

/** Names tfjs gives unnamed variables: `String(engine.nextVariableId())`. */
const ENGINE_GENERATED_NAME = /^\d+$/;

/**
 * A name for a variable being loaded under the stored `name`, such that creating it
 * cannot throw "Variable with name … was already registered", now or later:
 *
 * - the engine's own numeric names are never reused (the engine hands them out in
 *   order and would collide later): `undefined`, i.e. let the engine choose;
 * - a free name is reused as it is;
 * - a taken name gets the first free `name:1`, `name:2`, … (`:` is outside the
 *   characters tfjs-layers uses, so a layer built later cannot ask for it).
 */
export function freshVariableName(name: string): string | undefined {
  if (ENGINE_GENERATED_NAME.test(name)) return undefined;
  if (!isRegistered(name)) return name;
  for (let k = 1; ; k++) {
    const candidate = `${name}:${k}`;
    if (!isRegistered(candidate)) return candidate;
  }
}

/** True when a variable of that name lives in the tfjs engine (the engine's own test, inherited keys included). */
export function isRegistered(name: string): boolean {
  return (tf.engine().registeredVariables as Record<string, unknown>)[name] != null;
}
