const encoder = new TextEncoder();

/** Bytes a varint of `v` takes. */
function varintSize(v: number): number {
  let n = 1;
  while (v >= 0x80) {
    v = Math.floor(v / 0x80);
    n++;
  }
  return n;
}

/** A growable little-endian byte buffer for the graph stream (plain `Uint8Array`: no Node `Buffer`). */
export class ByteWriter {
  #buf: Uint8Array;
  #view: DataView;
  pos = 0;

  constructor(initialSize = 1 << 16) {
    this.#buf = new Uint8Array(initialSize);
    this.#view = new DataView(this.#buf.buffer, this.#buf.byteOffset, this.#buf.byteLength);
  }

  #grow(needed: number): void {
    let size = this.#buf.length * 2;
    while (size < this.pos + needed) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.#buf.subarray(0, this.pos));
    this.#buf = next;
    this.#view = new DataView(next.buffer, next.byteOffset, next.byteLength);
  }

  u8(v: number): void {
    if (this.pos + 1 > this.#buf.length) this.#grow(1);
    this.#buf[this.pos++] = v;
  }

  /** Unsigned LEB128 of a non-negative safe integer. */
  varint(v: number): void {
    if (this.pos + 10 > this.#buf.length) this.#grow(10);
    const buf = this.#buf;
    while (v >= 0x80) {
      buf[this.pos++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    buf[this.pos++] = v;
  }

  f64(v: number): void {
    if (this.pos + 8 > this.#buf.length) this.#grow(8);
    this.#view.setFloat64(this.pos, v, true);
    this.pos += 8;
  }

  bytes(b: Uint8Array): void {
    if (this.pos + b.byteLength > this.#buf.length) this.#grow(b.byteLength);
    this.#buf.set(b, this.pos);
    this.pos += b.byteLength;
  }

  /** varint UTF-8 byte length, then the bytes. `s` must be well-formed. */
  utf8(s: string): void {
    const n = s.length;
    if (n < 43) {
      // At most 126 bytes: a one-byte length, patched after writing.
      if (this.pos + 1 + 3 * n > this.#buf.length) this.#grow(1 + 3 * n);
      const buf = this.#buf;
      const start = this.pos + 1;
      let i = 0;
      for (; i < n; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      const len = i === n ? n : i + encoder.encodeInto(s.slice(i), buf.subarray(start + i)).written;
      buf[this.pos] = len;
      this.pos = start + len;
      return;
    }
    // Encoded after room for the longest length prefix, moved back if the prefix is shorter.
    const room = varintSize(3 * n);
    if (this.pos + room + 3 * n > this.#buf.length) this.#grow(room + 3 * n);
    const len = encoder.encodeInto(s, this.#buf.subarray(this.pos + room)).written;
    const prefix = varintSize(len);
    if (prefix < room) this.#buf.copyWithin(this.pos + prefix, this.pos + room, this.pos + room + len);
    this.varint(len);
    this.pos += len;
  }

  /** varint code-unit count, then UTF-16LE code units (keeps lone surrogates). */
  utf16(s: string): void {
    this.varint(s.length);
    if (this.pos + 2 * s.length > this.#buf.length) this.#grow(2 * s.length);
    for (let i = 0; i < s.length; i++) {
      this.#view.setUint16(this.pos, s.charCodeAt(i), true);
      this.pos += 2;
    }
  }

  /** The bytes written so far (a view, not a copy). */
  result(): Uint8Array {
    return new Uint8Array(this.#buf.buffer, this.#buf.byteOffset, this.pos);
  }
}
