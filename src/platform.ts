/**
 * What the engine asks of its host, without Node built-ins or a global `Buffer`, so the
 * same code runs in Node, browsers and workers.
 */

interface NodeBufferLike {
  isBuffer(v: unknown): boolean;
  from(b: ArrayBuffer): Uint8Array;
  allocUnsafeSlow(n: number): Uint8Array;
  poolSize: number;
}

function nodeBufferClass(): NodeBufferLike | undefined {
  const B = (globalThis as { Buffer?: NodeBufferLike }).Buffer;
  return typeof B?.isBuffer === 'function' ? B : undefined;
}

/** True for a Node `Buffer`; false everywhere `Buffer` does not exist. */
export function isNodeBuffer(v: unknown): boolean {
  return nodeBufferClass()?.isBuffer(v) ?? false;
}

/**
 * A Node `Buffer` over `bytes` where `Buffer` exists (a saved Buffer comes back as one),
 * else a plain `Uint8Array` over them.
 */
export function nodeBufferFrom(bytes: ArrayBuffer): Uint8Array {
  return nodeBufferClass()?.from(bytes) ?? new Uint8Array(bytes);
}

/** True when this machine stores multi-byte numbers least significant byte first. */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * A warning to the user: `process.emitWarning` in Node (so `--no-warnings` and
 * `process.on('warning')` apply), `console.warn` elsewhere.
 */
export function emitWarning(message: string, code: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string, o: { code: string }) => void } }).process;
  if (typeof proc?.emitWarning === 'function') proc.emitWarning(message, { code });
  else console.warn(`(${code}) ${message}`);
}

/** An environment variable in Node; `undefined` where there is no `process.env`. */
export function envVar(name: string): string | undefined {
  return (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
}

/**
 * `n` bytes of memory of their own (an ArrayBuffer nobody else sees), as a plain
 * `Uint8Array`. In Node, large ones are not zero-filled first (`Buffer.allocUnsafeSlow`):
 * the caller fills every byte before anyone sees them.
 */
export function allocOwnBytes(n: number): Uint8Array {
  const B = nodeBufferClass();
  // Small ones are zero-filled: not worth it, and the pool is never involved either way.
  if (B === undefined || n <= B.poolSize) return new Uint8Array(n);
  const b = B.allocUnsafeSlow(n);
  // A plain Uint8Array view: `Buffer#slice` aliases, which a decoder's copy must not do.
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
