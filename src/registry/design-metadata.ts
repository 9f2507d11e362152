/**
 * `#design-metadata` outside Node (package.json `imports`): the little of the `Reflect`
 * metadata API that reprise's decorators need, instead of `reflect-metadata` (8 KB of a
 * browser bundle). TypeScript's `emitDecoratorMetadata` output calls `Reflect.metadata(key,
 * value)` only when that function exists; where nothing installed it, this module installs
 * one that records class-level metadata in a WeakMap of its own, and nothing else (no
 * `Reflect.getMetadata`, `defineMetadata`, …: a page that needs those imports
 * `reflect-metadata` itself, before or after reprise). Where a full implementation is
 * present, it is read instead.
 */

type MetadataReflect = typeof Reflect & {
  metadata?: (key: unknown, value: unknown) => (target: object, property?: unknown) => void;
  getMetadata?: (key: unknown, target: object) => unknown;
};

const reflect = Reflect as MetadataReflect;
const classMetadata = new WeakMap<object, Map<unknown, unknown>>();

if (typeof reflect.metadata !== 'function') {
  Object.defineProperty(reflect, 'metadata', {
    configurable: true,
    writable: true,
    value: (key: unknown, value: unknown) => (target: object, property?: unknown) => {
      // Members' metadata (design:type of a property, …) is not used by reprise.
      if (property !== undefined) return;
      let own = classMetadata.get(target);
      if (own === undefined) classMetadata.set(target, (own = new Map()));
      own.set(key, value);
    },
  });
}

/** `design:paramtypes` that TypeScript emitted for a decorated class, if any. */
export function designParamTypes(target: Function): unknown[] | undefined {
  const own = classMetadata.get(target)?.get('design:paramtypes');
  if (own !== undefined) return own as unknown[];
  return typeof reflect.getMetadata === 'function' ? (reflect.getMetadata('design:paramtypes', target) as unknown[] | undefined) : undefined;
}
