/**
 * Types of `#backend-select` (package.json `imports`): ./backend-node.ts in Node,
 * ./backend-browser.ts elsewhere; both export these two functions.
 */
/** As `BackendName` in ./backend.ts (repeated: this file must not pull sources into a consumer's program). */
type BackendName = 'tensorflow' | 'wasm' | 'cpu' | 'webgl';

export declare function nativeBackendAvailable(): boolean;
export declare function initBackend(options?: { preferred?: BackendName; quiet?: boolean }): Promise<BackendName>;
