/**
 * `#design-metadata` in Node (package.json `imports`): installs `reflect-metadata` (its
 * lite build), as reprise always has, so TypeScript's `emitDecoratorMetadata` output is
 * recorded and a user's code that relies on the full `Reflect` metadata API keeps it.
 * Outside Node the module is ./design-metadata.ts, a few hundred bytes instead of 8 KB.
 */
import { createRequire } from 'node:module';
import type {} from 'reflect-metadata/lite'; // its global `Reflect` types; erased from the output

// require(), not an ES import: Node would scan the CommonJS source for export names first, at every start.
createRequire(import.meta.url)('reflect-metadata/lite');

/** `design:paramtypes` that TypeScript emitted for a decorated class, if any. */
export function designParamTypes(target: Function): unknown[] | undefined {
  return Reflect.getMetadata('design:paramtypes', target) as unknown[] | undefined;
}
