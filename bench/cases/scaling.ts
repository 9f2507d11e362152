import * as tf from '@tensorflow/tfjs';
import { jsonTooLarge } from './tensor-throughput.js';
import type { BenchCase, BuiltState, Variant } from './types.js';

/**
 * Case 6, scaling: a `tf.Sequential` of two dense layers of width `w` (2·w² + 2·w
 * parameters), chosen for 10 k … 50 M parameters. reprise stores the topology and the
 * weights and loads a usable model; the baselines store and load the weight tensors
 * only (v8 and JSON with the topology as a string), so they do less than reprise.
 */
export const scalingCase: BenchCase = {
  name: 'scaling',
  title: 'Scaling with model size',
  description:
    'A tf.Sequential of two dense layers sized for 10 k to 50 M parameters; reprise rebuilds the model, the baselines only its weight tensors.',
  variants(mode) {
    const counts = mode === 'full' ? [10_000, 100_000, 1_000_000, 10_000_000, 50_000_000] : [10_000, 100_000];
    return counts.map((n) => ({ id: `p${n}`, label: `${label(n)} parameters`, params: { parameters: n, width: widthFor(n) } }));
  },
  subjects: ['reprise', 'fs', 'v8', 'json', 'tfjs'],
  jsonSkip(variant) {
    return jsonTooLarge(actualParameters(Number(variant.params.width)));
  },
  async build(variant: Variant): Promise<BuiltState> {
    const w = Number(variant.params.width);
    const model = tf.sequential({
      name: 'scaling',
      layers: [
        tf.layers.dense({ units: w, inputShape: [w], activation: 'relu', kernelInitializer: 'zeros', name: 'hidden' }),
        tf.layers.dense({ units: w, kernelInitializer: 'zeros', name: 'out' }),
      ],
    });
    // Zero initializers build fast; give the weights real values (compression would flatter zeros).
    tf.tidy(() => model.setWeights(model.weights.map((v, i) => tf.randomUniform(v.shape as number[], -0.05, 0.05, 'float32', i + 1))));
    return { value: { model }, tensors: model.weights.map((v) => ({ name: v.name, tensor: v.read() })) };
  },
  tensorBytes: (state) => state.tensors.reduce((n, t) => n + t.tensor.size * 4, 0),
  tensorHeavy: (variant) => Number(variant.params.parameters) >= 1_000_000,
};

function widthFor(parameters: number): number {
  return Math.max(1, Math.round((-2 + Math.sqrt(4 + 8 * parameters)) / 4));
}

export function actualParameters(width: number): number {
  return 2 * width * width + 2 * width;
}

function label(n: number): string {
  return n >= 1e6 ? `${n / 1e6} M` : `${n / 1e3} k`;
}
