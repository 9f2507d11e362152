/**
 * reprise's door for browsers and web workers (the `browser` condition of package.json
 * `exports`): the same engine API as ./index.ts. Functions that need a file system
 * (`FileSystemCheckpointStorage`, `writeAtomically`, file paths given to `save`/`load`)
 * are still exported and throw `CheckpointError` `UNSUPPORTED_PLATFORM` when called.
 */
export * from './index.js';
