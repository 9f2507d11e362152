/**
 * One-byte tags of the graph stream. docs/FORMAT.md ("The graph stream") is the
 * normative description; these values are part of the file format and never change.
 */
export const enum Tag {
  UNDEFINED = 0x00,
  NULL = 0x01,
  FALSE = 0x02,
  TRUE = 0x03,
  /** Zigzag varint of a 32-bit integer. */
  INT = 0x04,
  /** 8 bytes, little-endian IEEE 754 (covers -0, NaN, ±Infinity and every other number). */
  FLOAT64 = 0x05,
  /** varint byte length + UTF-8 bytes; defines the next string id. */
  STRING = 0x06,
  /** varint code-unit count + UTF-16LE code units (strings with lone surrogates); defines the next string id. */
  STRING16 = 0x07,
  /** varint string id of an earlier STRING/STRING16. */
  STRING_REF = 0x08,
  /** sign byte (0 or 1) + varint byte length + little-endian magnitude. */
  BIGINT = 0x09,
  /** varint object id of an earlier object definition. */
  REF = 0x0a,
  /** A missing array element; only inside ARRAY. */
  HOLE = 0x0b,

  // Object definitions: each takes the next object id when its tag is read.
  ARRAY = 0x10,
  OBJECT = 0x11,
  NULL_PROTO_OBJECT = 0x12,
  MAP = 0x13,
  SET = 0x14,
  DATE = 0x15,
  REGEXP = 0x16,
  ARRAY_BUFFER = 0x17,
  ARRAY_BUFFER_SECTION = 0x18,
  TYPED_ARRAY = 0x19,
  DATA_VIEW = 0x1a,
  ERROR = 0x1b,
  CLASS_FIELDS = 0x1c,
  CLASS_STATE = 0x1d,
  CONSTRUCTOR = 0x1e,
  CODEC = 0x1f,
  FUNCTION = 0x20,
  NODE_BUFFER = 0x21,
}

/** Typed array kinds in TYPED_ARRAY records, by their code. */
export const TYPED_ARRAY_KINDS = [
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
] as const;

export type TypedArray = InstanceType<(typeof TYPED_ARRAY_KINDS)[number]>;

/** Built-in error classes restored by name; any other name becomes an `Error` with that `name`. */
export const ERROR_CLASSES: ReadonlyMap<string, ErrorConstructor> = new Map<string, ErrorConstructor>([
  ['Error', Error],
  ['TypeError', TypeError],
  ['RangeError', RangeError],
  ['SyntaxError', SyntaxError],
  ['ReferenceError', ReferenceError],
  ['EvalError', EvalError],
  ['URIError', URIError],
]);

/** ArrayBuffers at least this large are stored in their own aligned section instead of inline. */
export const ARRAY_BUFFER_SECTION_THRESHOLD = 4096;
