/**
 * reprise's door for browsers and web workers (the `browser` condition of package.json
 * `exports`): the same engine API as ./index.ts. What needs Node (`FileSystemCheckpointStorage`,
 * `S3CheckpointStorage`, `writeAtomically`, `StopSignal`'s process signals, file paths and
 * `file://`/`s3://` targets given to `save`/`load`) is still exported, but package.json
 * `imports` maps it to stubs that throw `CheckpointError` `UNSUPPORTED_PLATFORM` when called,
 * so the browser build does not carry it. The FlatBuffers header is read and written by
 * src/format/header-compact.ts (`#header-codec`), the same bytes as Node's generated code
 * without the `flatbuffers` runtime.
 */
export * from './index.js';
