import * as tf from '#tfjs-core';
import type { Registry } from '../registry/index.js';
import type { TensorDecodeContext, TensorEncodeContext } from './options.js';
import { checkTensorRecordHere, decodeTensorRecord, encodeTensorRecord, type TensorRecord } from './tensor-record.js';

/** Stable name of the `tf.Tensor` codec. */
export const TENSOR_CODEC_NAME = 'tf.Tensor';

/**
 * Registers the codec for `tf.Tensor` of every dtype (`float32`, `int32`, `bool`,
 * `complex64`, `string`): the value is a {@link TensorRecord} pointing at a tensor
 * section. A tensor referenced twice is one graph object; two tensors sharing data are
 * stored once. Saving a disposed tensor throws `DISPOSED_TENSOR`; see `encodeTensorRecord`
 * and `decodeTensorRecord` for the rest of what is thrown.
 */
export function registerTensorCodec(registry: Registry): void {
  registry.registerCodec(tf.Tensor, {
    name: TENSOR_CODEC_NAME,
    encode: (tensor: tf.Tensor, ctx: TensorEncodeContext): TensorRecord => encodeTensorRecord(tensor, ctx),
    decode: (record: unknown, ctx: TensorDecodeContext) => decodeTensorRecord(record, ctx),
    check: (record: unknown, ctx: TensorDecodeContext) => void checkTensorRecordHere(record, ctx),
  });
}
