import { CheckpointFormatError, type ErrorCode } from '../errors.js';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/**
 * Reads the graph stream, checking every length against the bytes that remain before
 * reading or allocating; any violation is a `CheckpointFormatError` (`BAD_GRAPH`) with
 * the offset where it was found.
 */
export class ByteReader {
  pos = 0;
  readonly #view: DataView;

  readonly bytes: Uint8Array;

  /** Offset of `bytes` in the file, for error messages. */
  readonly #fileOffset: number;
  readonly #pathOf: () => string;

  constructor(input: Uint8Array, fileOffset = 0, pathOf: () => string = () => '') {
    this.#fileOffset = fileOffset;
    this.#pathOf = pathOf;
    // A plain Uint8Array view, so that `slice()` of what it returns copies (Buffer's aliases).
    this.bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
    this.#view = new DataView(input.buffer, input.byteOffset, input.byteLength);
  }

  get remaining(): number {
    return this.bytes.length - this.pos;
  }

  /** An error found at stream position `at`: it names the file offset and the graph path. */
  errorAt(code: ErrorCode, message: string, at = this.pos): CheckpointFormatError {
    return new CheckpointFormatError(code, message, { offset: this.#fileOffset + at, path: this.#pathOf() });
  }

  fail(what: string, at = this.pos): never {
    throw this.errorAt('BAD_GRAPH', `invalid graph stream: ${what}`, at);
  }

  #need(n: number): void {
    if (n > this.bytes.length - this.pos) this.fail(`needs ${n} more bytes but only ${this.remaining} remain`);
  }

  u8(): number {
    if (this.pos >= this.bytes.length) this.fail('unexpected end of the stream');
    return this.bytes[this.pos++]!;
  }

  varint(): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      const b = this.u8();
      result += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (result > Number.MAX_SAFE_INTEGER) this.fail('varint above 2^53', start);
        return result;
      }
      scale *= 0x80;
    }
    return this.fail('varint longer than 8 bytes', start);
  }

  /** A count of items that each take at least `minBytes` bytes: refuses counts the remaining bytes cannot hold. */
  count(minBytes = 1): number {
    const start = this.pos;
    const n = this.varint();
    if (n * minBytes > this.remaining) this.fail(`count ${n} exceeds what the remaining ${this.remaining} bytes can hold`, start);
    return n;
  }

  f64(): number {
    this.#need(8);
    const v = this.#view.getFloat64(this.pos, true);
    this.pos += 8;
    return v;
  }

  bytesView(n: number): Uint8Array {
    this.#need(n);
    const v = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return v;
  }

  utf8(): string {
    const len = this.varint();
    this.#need(len);
    const bytes = this.bytes;
    const start = this.pos;
    const end = start + len;
    if (len < 32) {
      let s = '';
      let i = start;
      for (; i < end; i++) {
        const c = bytes[i]!;
        if (c >= 0x80) break;
        s += String.fromCharCode(c);
      }
      if (i === end) {
        this.pos = end;
        return s;
      }
    }
    try {
      const s = utf8.decode(bytes.subarray(start, end));
      this.pos = end;
      return s;
    } catch {
      return this.fail('string is not valid UTF-8', start);
    }
  }

  /**
   * `n` UTF-16LE code units as one string, lone surrogates kept; allocated once (a
   * 20 M-unit string is one 40 MB string, not 20 M concatenations).
   */
  utf16(): string {
    const n = this.varint();
    this.#need(2 * n);
    const start = this.pos;
    this.pos += 2 * n;
    // Code unit by code unit (TextDecoder would replace lone surrogates), in chunks for the argument limit.
    const b = this.bytes;
    const units = new Uint16Array(Math.min(n, 0x2000));
    let out = '';
    for (let done = 0; done < n; ) {
      const m = Math.min(units.length, n - done);
      for (let i = 0, p = start + 2 * done; i < m; i++, p += 2) units[i] = b[p]! | (b[p + 1]! << 8);
      out += String.fromCharCode.apply(null, (m === units.length ? units : units.subarray(0, m)) as unknown as number[]);
      done += m;
    }
    return out;
  }

  /** A little-endian magnitude of `n` bytes as a bigint, in time linear in `n` (through hexadecimal). */
  bigintMagnitude(n: number): bigint {
    const bytes = this.bytesView(n);
    if (n === 0) return 0n;
    let hex = '';
    for (let i = n - 1; i >= 0; i--) hex += HEX[bytes[i]!]!;
    return BigInt(`0x${hex}`);
  }
}
