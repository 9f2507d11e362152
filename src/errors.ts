/**
 * Every error reprise throws is a {@link CheckpointError}: a stable `code` to branch
 * on, the graph `path` where it happened (`""` when it is not about one value), and a
 * message that says what went wrong, what was found and how to fix it.
 */
export class CheckpointError extends Error {
  /** Stable, machine-readable code, e.g. `"UNREGISTERED_CLASS"`. */
  readonly code: string;
  /** Where in the object graph it happened, e.g. `.plugins[1].storage.buffer`. */
  readonly path: string;

  constructor(code: string, message: string, options: { path?: string; cause?: unknown } = {}) {
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
  constructor(code: string, message: string, options: { path?: string; offset?: number; cause?: unknown } = {}) {
    super(code, options.offset === undefined ? message : `${message} [byte ${options.offset}]`, options);
    this.offset = options.offset;
  }
}

/** The file was written by a newer format version than this reader understands. */
export class UnsupportedVersionError extends CheckpointFormatError {
  constructor(readonly found: number, readonly supported: number) {
    super(
      'UNSUPPORTED_VERSION',
      `checkpoint format version ${found} is newer than the versions this reprise reads (up to ${supported}); upgrade reprise to load it`,
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
      `the checkpoint holds a ${kind} registered as "${className}", which this process has not registered; ` +
        `import the module that registers it before loading`,
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
