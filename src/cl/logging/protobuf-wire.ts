import { CheckpointError, type ErrorCode } from '../../errors.js';

/**
 * The few pieces of the protocol-buffers wire format that TensorBoard's `Event` needs:
 * varints, 64-bit doubles, 32-bit floats and length-delimited fields. Hand-written
 * rather than taken from a protobuf library because three small messages use five
 * field kinds, and a reader written here checks every length against the bytes that
 * exist before it reads, with our error type and the file offset in each error.
 */
export const WIRE_VARINT = 0;
export const WIRE_FIXED64 = 1;
export const WIRE_LENGTH_DELIMITED = 2;
export const WIRE_FIXED32 = 5;

const textEncoder = new TextEncoder();
const textDecoder = new TextDecoder('utf-8', { fatal: true });

/** Builds one message; fields are written in call order. Inverse: {@link ProtoReader}. */
export class ProtoWriter {
  private bytes: number[] = [];

  private key(field: number, wire: number): void {
    this.rawVarint((BigInt(field) << 3n) | BigInt(wire));
  }

  private rawVarint(value: bigint): void {
    let v = BigInt.asUintN(64, value);
    while (v >= 0x80n) {
      this.bytes.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.bytes.push(Number(v));
  }

  /** An `int64`/`uint64`/enum field; negative values take 10 bytes (two's complement), as protobuf does. */
  varint(field: number, value: number | bigint): this {
    this.key(field, WIRE_VARINT);
    this.rawVarint(typeof value === 'bigint' ? value : BigInt(Math.trunc(value)));
    return this;
  }

  /** A `double` field, little-endian. */
  double(field: number, value: number): this {
    this.key(field, WIRE_FIXED64);
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  /** A `float` field, little-endian (the value is rounded to 32 bits). */
  float(field: number, value: number): this {
    this.key(field, WIRE_FIXED32);
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, value, true);
    this.bytes.push(...b);
    return this;
  }

  /** A `bytes` or embedded-message field. */
  bytesField(field: number, value: Uint8Array): this {
    this.key(field, WIRE_LENGTH_DELIMITED);
    this.rawVarint(BigInt(value.length));
    for (const b of value) this.bytes.push(b);
    return this;
  }

  /** A `string` field, UTF-8. */
  string(field: number, value: string): this {
    return this.bytesField(field, textEncoder.encode(value));
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }
}

/** One field as read: its number, its wire type and where its key started. */
export interface ProtoField {
  field: number;
  wire: number;
  /** Offset of the field's key, in the coordinates of the reader's `baseOffset`. */
  at: number;
}

/**
 * Reads the fields of one message from `bytes`, never past its end. Every error is a
 * `CheckpointError` with code `errorCode` and `[byte N]`, N being `baseOffset` plus the
 * position in `bytes` (so a reader of a file reports file offsets).
 */
export class ProtoReader {
  private pos = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly baseOffset = 0,
    private readonly errorCode: ErrorCode = 'PROTOBUF_INVALID',
  ) {}

  /** The next field's key, or `undefined` at the end of the message. */
  next(): ProtoField | undefined {
    if (this.pos >= this.bytes.length) return undefined;
    const at = this.baseOffset + this.pos;
    const key = this.readVarint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0) throw this.error('field number 0 is not allowed', at);
    return { field, wire, at };
  }

  /** An unsigned varint of at most 10 bytes. */
  readVarint(): bigint {
    const start = this.pos;
    let result = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.bytes.length) throw this.error('varint runs past the end of the message', this.baseOffset + start);
      const b = this.bytes[this.pos++]!;
      result |= BigInt(b & 0x7f) << BigInt(7 * i);
      if ((b & 0x80) === 0) return BigInt.asUintN(64, result);
    }
    throw this.error('varint longer than 10 bytes', this.baseOffset + start);
  }

  readDouble(): number {
    const b = this.take(8);
    return new DataView(b.buffer, b.byteOffset, 8).getFloat64(0, true);
  }

  readFloat(): number {
    const b = this.take(4);
    return new DataView(b.buffer, b.byteOffset, 4).getFloat32(0, true);
  }

  /** A length-delimited field's bytes (a view, no copy), after checking its length fits. */
  readBytes(): { bytes: Uint8Array; offset: number } {
    const lengthAt = this.baseOffset + this.pos;
    const length = this.readVarint();
    if (length > BigInt(this.bytes.length - this.pos)) {
      throw this.error(`length-delimited field of ${length} bytes, but only ${this.bytes.length - this.pos} remain`, lengthAt);
    }
    const offset = this.baseOffset + this.pos;
    return { bytes: this.take(Number(length)), offset };
  }

  readString(): string {
    const { bytes, offset } = this.readBytes();
    try {
      return textDecoder.decode(bytes);
    } catch (cause) {
      throw this.error('string field is not valid UTF-8', offset, cause);
    }
  }

  /** Skips the value of a field of wire type `wire` (groups are refused). */
  skip(f: ProtoField): void {
    switch (f.wire) {
      case WIRE_VARINT:
        this.readVarint();
        return;
      case WIRE_FIXED64:
        this.take(8);
        return;
      case WIRE_LENGTH_DELIMITED:
        this.readBytes();
        return;
      case WIRE_FIXED32:
        this.take(4);
        return;
      default:
        throw this.error(`field ${f.field} has unsupported wire type ${f.wire}`, f.at);
    }
  }

  /** Throws unless field `f` has wire type `wire`. */
  expectWire(f: ProtoField, wire: number, what: string): void {
    if (f.wire !== wire) throw this.error(`${what} (field ${f.field}) has wire type ${f.wire}, expected ${wire}`, f.at);
  }

  error(message: string, at: number, cause?: unknown): CheckpointError {
    return new CheckpointError(this.errorCode, `${message} [byte ${at}]`, { cause });
  }

  private take(n: number): Uint8Array {
    if (n > this.bytes.length - this.pos) {
      throw this.error(`needs ${n} bytes, but only ${this.bytes.length - this.pos} remain`, this.baseOffset + this.pos);
    }
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
