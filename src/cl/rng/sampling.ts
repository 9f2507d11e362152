/** A source of uniform floats in [0, 1), such as a seedrandom generator. */
export type UniformSource = () => number;

/** A uniform integer in [0, n). `n` must be a positive integer. */
export function randomInt(random: UniformSource, n: number): number {
  return Math.floor(random() * n);
}

/** Shuffles `values` in place (Fisher–Yates, drawing `values.length - 1` numbers) and returns it. */
export function shuffleInPlace<T extends { length: number; [i: number]: any }>(random: UniformSource, values: T): T {
  for (let i = values.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const v = values[i];
    values[i] = values[j];
    values[j] = v;
  }
  return values;
}

/** A random permutation of `0 … n-1`. */
export function permutation(random: UniformSource, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i;
  return shuffleInPlace(random, out);
}

/** A standard normal draw (Box–Muller; consumes two uniforms). */
export function standardNormal(random: UniformSource): number {
  let u = random();
  while (u <= Number.MIN_VALUE) u = random();
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
