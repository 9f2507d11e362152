/**
 * Types of `#backend-select` (package.json `imports`): ./backend-node.ts in Node,
 * ./backend-browser.ts elsewhere; both export these two functions.
 */
import type { BackendName } from './backend.js';

export declare function nativeBackendAvailable(): boolean;
export declare function initBackend(options?: { preferred?: BackendName; quiet?: boolean }): Promise<BackendName>;
