/**
 * reprise's door for browsers and web workers (the `browser` condition of package.json
 * `exports`): the same engine API as ./index.ts. What needs Node (`FileSystemCheckpointStorage`,
 * `S3CheckpointStorage`, `writeAtomically`, file paths and `file://`/`s3://` targets given to
 * `save`/`load`) is still exported, but package.json `imports` maps it to stubs that throw
 * `CheckpointError` `UNSUPPORTED_PLATFORM` when called, so the browser build does not carry it.
 */
export * from './index.js';
