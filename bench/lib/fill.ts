/** Deterministic pseudo-random float32 values in [-1, 1) (xorshift32): fast, and the same every run. */
export function randomFloats(count: number, seed: number): Float32Array {
  const out = new Float32Array(count);
  let x = (seed | 0) || 0x9e3779b9;
  for (let i = 0; i < count; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = (x | 0) / 2147483648;
  }
  return out;
}
