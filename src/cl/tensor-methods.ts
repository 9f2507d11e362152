import * as tf from '#tfjs-core';

/**
 * The chained tensor methods (`x.mul(y)`, `x.argMax(-1)`, `x.flatten()`), as tfjs
 * defines them. tfjs-core's Node build leaves them out: the `@tensorflow/tfjs` umbrella
 * registers them, and the cl layer imports tfjs-core and tfjs-layers instead of the
 * umbrella, which also loads the converter, tfjs-data and the webgl and cpu backends —
 * most of a resumed run's start-up time (docs: bench/resume-time.ts). Methods already
 * present (the umbrella was imported too) are left as they are.
 *
 * Every method is `op(this, ...args)` of the tfjs-core op named here, except the few
 * defined below it.
 */
const SAME_AS_OP: Record<string, string> = Object.fromEntries(
  (
    'abs acos acosh add all any argMax argMin asin asinh atan atan2 atanh avgPool batchToSpaceND batchNorm broadcastTo cast ceil clipByValue ' +
    'conv1d conv2d conv2dTranspose cos cosh cumprod cumsum depthToSpace depthwiseConv2d dilation2d div divNoNan dot elu equal erf euclideanNorm ' +
    'exp expandDims expm1 fft floor floorDiv gather greater greaterEqual ifft irfft isFinite isInf isNaN leakyRelu less lessEqual ' +
    'localResponseNormalization log log1p logSigmoid logSoftmax logSumExp logicalAnd logicalNot logicalOr logicalXor matMul max maxPool maximum ' +
    'mean min minimum mirrorPad mod mul neg norm notEqual oneHot onesLike pad pool pow prelu prod reciprocal relu relu6 reshape ' +
    'reverse rfft round rsqrt selu separableConv2d sigmoid sign sin sinh slice softmax softplus ' +
    'spaceToBatchND split sqrt square squaredDifference squeeze step stridedSlice sub sum tan tanh tile topk transpose unique ' +
    'unsortedSegmentSum unstack zerosLike'
  )
    .split(' ')
    .map((name) => [name, name]),
);
SAME_AS_OP.asType = 'cast';

type Method = (this: any, ...args: never[]) => unknown;

const SPECIAL: Record<string, Method> = {
  as1D(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  flatten(this: tf.Tensor) {
    return tf.reshape(this, [this.size]);
  },
  as2D(this: tf.Tensor, rows: number, columns: number) {
    return tf.reshape(this, [rows, columns]);
  },
  as3D(this: tf.Tensor, rows: number, columns: number, depth: number) {
    return tf.reshape(this, [rows, columns, depth]);
  },
  as4D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number) {
    return tf.reshape(this, [rows, columns, depth, depth2]);
  },
  as5D(this: tf.Tensor, rows: number, columns: number, depth: number, depth2: number, depth3: number) {
    return tf.reshape(this, [rows, columns, depth, depth2, depth3]);
  },
  asScalar(this: tf.Tensor) {
    tf.util.assert(this.size === 1, () => 'The array must have only 1 element.');
    return tf.reshape(this, []);
  },
  reshapeAs(this: tf.Tensor, x: tf.Tensor) {
    return tf.reshape(this, x.shape);
  },
  concat(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.concat([this, ...(x instanceof tf.Tensor ? [x] : x)], axis);
  },
  stack(this: tf.Tensor, x: tf.Tensor | tf.Tensor[], axis?: number) {
    return tf.stack(x instanceof tf.Tensor ? [this, x] : [this, ...x], axis);
  },
  toBool(this: tf.Tensor) {
    return tf.cast(this, 'bool');
  },
  toFloat(this: tf.Tensor) {
    return tf.cast(this, 'float32');
  },
  toInt(this: tf.Tensor) {
    return tf.cast(this, 'int32');
  },
  where(this: tf.Tensor, condition: tf.Tensor, x: tf.Tensor) {
    return tf.where(condition, this, x);
  },
  resizeBilinear(this: tf.Tensor3D, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
    return tf.image.resizeBilinear(this, size, alignCorners, halfPixelCenters);
  },
  resizeNearestNeighbor(this: tf.Tensor3D, size: [number, number], alignCorners?: boolean, halfPixelCenters?: boolean) {
    return tf.image.resizeNearestNeighbor(this, size, alignCorners, halfPixelCenters);
  },
};

/** Defines the chained methods missing from tfjs-core's `Tensor` class. Idempotent. */
export function registerTensorMethods(): void {
  const proto = tf.Tensor.prototype as unknown as Record<string, unknown>;
  const ops = tf as unknown as Record<string, (...args: unknown[]) => unknown>;
  for (const [name, op] of Object.entries(SAME_AS_OP)) {
    if (name in proto || typeof ops[op] !== 'function') continue;
    proto[name] = function (this: tf.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return ops[op]!(this, ...args);
    };
  }
  for (const [name, method] of Object.entries(SPECIAL)) {
    if (name in proto) continue;
    proto[name] = function (this: tf.Tensor, ...args: never[]) {
      this.throwIfDisposed();
      return method.apply(this, args);
    };
  }
}

registerTensorMethods();
