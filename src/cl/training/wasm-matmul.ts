import * as tf from '#tfjs-core';
import '../tensor-methods.js';

const FAST_PATH = Symbol.for('reprise.wasmTransposedMatMul');

type KernelArgs = Parameters<tf.KernelFunc>[0];
type TensorInfo = { dataId: object; shape: number[]; dtype: string };

/**
 * Makes `BatchMatMul` on the WebAssembly backend fast when an operand is transposed.
 *
 * The wasm kernel hands `a·b` to XNNPACK but computes `aᵀ·b` and `a·bᵀ` — the two
 * products of every Dense layer's backward pass — with a plain loop, 15–25× slower
 * (measured on 128×784 by 784×512). This wraps the kernel so that a transposed operand
 * is transposed explicitly first (cheap), then multiplied on the fast path. The
 * result is the same product; its float rounding may differ from the plain loop's in
 * the last bit, so every process of a run (and a resumed run) must install it, which
 * the strategy does before training and evaluating.
 *
 * Idempotent; does nothing when the wasm backend is not loaded.
 * @returns true when the fast path is installed.
 */
export function useFastWasmMatMul(): boolean {
  let original: tf.KernelConfig | undefined;
  let transpose: tf.KernelConfig | undefined;
  try {
    original = tf.getKernel('BatchMatMul', 'wasm');
    transpose = tf.getKernel('Transpose', 'wasm');
  } catch {
    return false;
  }
  if (!original || !transpose) return false;
  if ((original.kernelFunc as unknown as Record<symbol, boolean>)[FAST_PATH]) return true;
  const matMul = original.kernelFunc;
  const transposeKernel = transpose.kernelFunc;
  const kernelFunc = (args: KernelArgs) => {
    const { transposeA, transposeB } = args.attrs as { transposeA: boolean; transposeB: boolean };
    if (!transposeA && !transposeB) return matMul(args);
    const backend = args.backend as unknown as { disposeData(dataId: object): void };
    const temporaries: TensorInfo[] = [];
    const swapLastTwo = (x: TensorInfo): TensorInfo => {
      const rank = x.shape.length;
      const perm = Array.from({ length: rank }, (_, i) => i);
      perm[rank - 1] = rank - 2;
      perm[rank - 2] = rank - 1;
      const t = transposeKernel({ inputs: { x } as never, backend: args.backend, attrs: { perm } }) as TensorInfo;
      temporaries.push(t);
      return t;
    };
    const { a, b } = args.inputs as unknown as { a: TensorInfo; b: TensorInfo };
    const inputs = { a: transposeA ? swapLastTwo(a) : a, b: transposeB ? swapLastTwo(b) : b };
    try {
      return matMul({ ...args, inputs: inputs as never, attrs: { ...args.attrs, transposeA: false, transposeB: false } });
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };
  (kernelFunc as unknown as Record<symbol, boolean>)[FAST_PATH] = true;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  tf.registerKernel({ ...original, kernelFunc: kernelFunc as tf.KernelFunc });
  return true;
}
