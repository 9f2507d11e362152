import { designParamTypes } from '#design-metadata';
import { RegistrationError } from '../errors.js';
import { defaultRegistry, type Registry } from './registry.js';
import type { ConstructorSerializedOptions, SerializableOptions } from './types.js';

type AnyClass = new (...args: any[]) => any;

/**
 * Registers a class whose instances are stored field by field (own enumerable string
 * keys) and restored without calling the constructor, prototype kept — pickle's default.
 *
 * @example
 * ```ts
 * @serializable({ name: 'my.ReplayBuffer', version: 2, migrate: (s, v) => ({ ...s, seen: s.seen ?? 0 }) })
 * class ReplayBuffer { indices: number[] = []; seen = 0; }
 * ```
 * @throws RegistrationError when the name is taken by another class or the class is anonymous.
 */
export function serializable<T>(options: SerializableOptions<T> & { registry?: Registry } = {}) {
  return <C extends AnyClass>(target: C): C => {
    const registry = options.registry ?? defaultRegistry;
    registry.add({
      kind: 'fields',
      name: options.name ?? target.name,
      version: options.version ?? 1,
      ctor: target,
      proto: target.prototype,
      options,
      exclude: new Set(options.exclude ?? []),
    });
    return target;
  };
}

/**
 * Registers a class whose instances are stored as the arguments their constructor
 * received (captured automatically) or as `options.args(obj)`; loading calls the
 * constructor again with them. With `deduplicate: true`, loading reuses an equal
 * instance passed in `uniqueObjects` instead of building a new one.
 *
 * The decorator returns a subclass of the target that records its arguments; only the
 * most derived decorated class records, so a decorated subclass stores its own
 * arguments, and an undecorated subclass is refused at save time with a clear error.
 *
 * @throws RegistrationError when the name is taken by another class or the class is anonymous.
 */
export function constructorSerialized<T>(options: ConstructorSerializedOptions<T> & { registry?: Registry } = {}) {
  return <C extends AnyClass>(target: C): C => {
    const registry = options.registry ?? defaultRegistry;
    const name = options.name ?? target.name;
    if (!name) throw new RegistrationError('a registered class needs a name: this class is anonymous, so pass { name: "..." }');
    const captured = new WeakMap<object, unknown[]>();
    const wrapper = class extends (target as AnyClass) {
      constructor(...args: any[]) {
        super(...args);
        if (new.target === wrapper) captured.set(this, args);
      }
    } as unknown as C;
    Object.defineProperty(wrapper, 'name', { value: target.name });
    const paramTypes = designParamTypes(target);
    const explicitArgs = options.args;
    registry.add({
      kind: 'constructor',
      name,
      version: options.version ?? 1,
      ctor: wrapper,
      options,
      paramTypes,
      argsOf: explicitArgs ? (obj) => explicitArgs(obj as T) : (obj) => captured.get(obj),
    });
    return wrapper;
  };
}
