/**
 * Every error reprise throws is a {@link CheckpointError}: a stable `code` to branch
 * on, the graph `path` where it happened (`""` when it is not about one value), and a
 * message that says what went wrong, what was found and how to fix it.
 *
 * The codes are a closed set, {@link ERROR_CODES}; docs/ERRORS.md says what each one
 * means and what to do about it (a test keeps the two equal and checks that every
 * code thrown in src/ is listed).
 */

/** Every `code` a {@link CheckpointError} can carry; see docs/ERRORS.md. */
export const ERROR_CODES = [
  // the file: format layer
  'TRUNCATED',
  'BAD_MAGIC',
  'BAD_VERSION',
  'UNSUPPORTED_VERSION',
  'TRAILING_BYTES',
  'BAD_HEADER',
  'HEADER_CHECKSUM',
  'BAD_SECTION',
  'BAD_PADDING',
  'SECTION_CHECKSUM',
  // registrations and the object graph
  'REGISTRATION',
  'UNSUPPORTED_VALUE',
  'UNREGISTERED_CLASS',
  'UNREGISTERED_FUNCTION',
  'NO_CONSTRUCTOR_ARGS',
  'CONSTRUCTOR_CYCLE',
  'DEPTH_LIMIT',
  'CODEC_FAILED',
  'GETTER_FAILED',
  'GET_STATE_FAILED',
  'ARGS_FAILED',
  'BAD_GRAPH',
  'UNKNOWN_CLASS',
  'CONSTRUCTOR_FAILED',
  'SET_STATE_FAILED',
  'KIND_CHANGED',
  'VERSION_NEWER',
  'NO_MIGRATION',
  'MIGRATION_FAILED',
  // tensors, models, optimizers, devices
  'BACKEND_UNAVAILABLE',
  'BACKEND_MISMATCH',
  'UNSUPPORTED_PLATFORM',
  'UNSUPPORTED_DTYPE',
  'DISPOSED_TENSOR',
  'BAD_TENSOR',
  'BAD_PACK',
  'BAD_STORED_CONFIG',
  'MODEL_CONFIG',
  'BAD_MODEL',
  'MODEL_REBUILD',
  'BAD_OPTIMIZER',
  'OPTIMIZER_REBUILD',
  'BAD_DEVICE',
  'BAD_MAP_LOCATION',
  'MAP_LOCATION_FAILED',
  'DEVICE_MAPPING',
  // checkpoints, storages, restoring a run
  'BAD_OPTIONS',
  'BAD_NAME',
  'NOT_FOUND',
  'LIST_FAILED',
  'LOAD_FAILED',
  'STORE_FAILED',
  'DELETE_FAILED',
  'BAD_TARGET',
  'UNKNOWN_SCHEME',
  'FOREIGN_CHECKPOINT',
  'MIXED_RUNS',
  'BACKGROUND_WRITE_FAILED',
  'NOT_A_RUN_CHECKPOINT',
  'STRATEGY_MISMATCH',
  'RESTORE_FAILED',
  'RNG_STATE_INVALID',
  'RNG_STATE_MISSING',
  'RNG_STATE_UNKNOWN',
  // the continual-learning layer
  'BAD_CONFIG',
  'NO_LOSS',
  'NOTHING_TO_TRAIN',
  'LOSS_NOT_FINITE',
  'ASYNC_CALLBACK',
  'RESUME_MISMATCH',
  'BAD_INPUT',
  'MULTIPLE_TASKS',
  'BAD_IDX',
  'MISSING_PACKAGE',
  'LOG_IO',
  'TFRECORD_TRUNCATED',
  'TFRECORD_CORRUPT',
  'PROTOBUF_INVALID',
  'TFEVENT_INVALID',
] as const;

/** A stable, machine-readable error code: one of {@link ERROR_CODES}. */
export type ErrorCode = (typeof ERROR_CODES)[number];

export class CheckpointError extends Error {
  /** Stable, machine-readable code, e.g. `"UNREGISTERED_CLASS"`; the list is {@link ERROR_CODES}. */
  readonly code: ErrorCode;
  /** Where in the object graph it happened, e.g. `.plugins[1].storage.buffer`. */
  readonly path: string;

  constructor(code: ErrorCode, message: string, options: { path?: string; cause?: unknown } = {}) {
    const path = options.path ?? '';
    super(path ? `${message} (at ${path === '' ? '<root>' : path})` : message, { cause: options.cause });
    this.code = code;
    this.path = path;
    this.name = new.target.name;
  }
}

/** The bytes are not a valid checkpoint: truncated, corrupted, hostile or lying. */
export class CheckpointFormatError extends CheckpointError {
  /** Byte offset in the file (or graph stream) where the problem was found, when known. */
  readonly offset: number | undefined;
  constructor(code: ErrorCode, message: string, options: { path?: string; offset?: number; cause?: unknown } = {}) {
    super(code, options.offset === undefined ? message : `${message} [byte ${options.offset}]`, options);
    this.offset = options.offset;
  }
}

/** The file was written by a newer format version than this reader understands. */
export class UnsupportedVersionError extends CheckpointFormatError {
  constructor(readonly found: number, readonly supported: number) {
    super(
      'UNSUPPORTED_VERSION',
      `checkpoint format version ${found} is newer than this reprise reads (up to ${supported}); upgrade reprise to load it`,
    );
  }
}

/** A registration is invalid: a name used by two classes, an anonymous class without a name, … */
export class RegistrationError extends CheckpointError {
  constructor(message: string) {
    super('REGISTRATION', message);
  }
}

/** A value cannot be saved: an unregistered class, function or symbol, a WeakMap, … */
export class UnsupportedValueError extends CheckpointError {}

/** The file names a class, codec or function that the loading process has not registered. */
export class UnknownClassError extends CheckpointError {
  constructor(readonly className: string, kind: string, path: string) {
    super(
      'UNKNOWN_CLASS',
      `the checkpoint holds a ${kind} registered as "${className}", which this process has not registered; import the module that registers it before loading`,
      { path },
    );
  }
}

/** A stored object version cannot be brought to the class's current version. */
export class MigrationError extends CheckpointError {}

/** A device tag in the file cannot be served here and no `mapLocation` maps it. */
export class DeviceMappingError extends CheckpointError {
  constructor(readonly tag: string, message: string, path = '') {
    super('DEVICE_MAPPING', message, { path });
  }
}

/** A checkpoint storage failed to list, read or write. */
export class CheckpointStorageError extends CheckpointError {}

/** Restoring a checkpoint into a live object failed or did not match it. */
export class RestoreError extends CheckpointError {}

/**
 * An API was misused: an option out of range, a missing model or loss, a call at the
 * wrong time — above all in the continual-learning layer. Nothing is wrong with any
 * file; fix the call (the `path` names the option). Codes: `BAD_CONFIG`, `NO_LOSS`,
 * `NOTHING_TO_TRAIN`, `ASYNC_CALLBACK`, `RESUME_MISMATCH`, `BAD_INPUT`, `MULTIPLE_TASKS`, and
 * `BAD_MAP_LOCATION` / `BAD_DEVICE` for a malformed `mapLocation` or `deviceTag` option.
 */
export class UsageError extends CheckpointError {}
