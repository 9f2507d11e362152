/**
 * Types of `#trial-build` (package.json `imports`): ./trial-build.ts in Node; `undefined`
 * (./trial-build-unavailable.ts) elsewhere, where the codecs have no `check`.
 */
/** See `verifyModelRecord` in ./trial-build.ts (repeated: this file must not pull sources into a consumer's program). */
export declare const verifyModelRecord: ((record: unknown, decode: (record: unknown, weightName: (name: string) => string) => { dispose(): unknown }) => void) | undefined;
/** See `buildAndDiscard` in ./trial-build.ts. */
export declare const buildAndDiscard: ((build: () => { dispose(): unknown }, disposeKept?: boolean) => void) | undefined;
