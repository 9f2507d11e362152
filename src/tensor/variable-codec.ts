import * as tf from '#tfjs-core';
import { CheckpointFormatError } from '../errors.js';
import type { Registry } from '../registry/index.js';
import type { TensorDecodeContext, TensorEncodeContext } from './options.js';
import { checkTensorRecordHere, decodeTensorRecord, encodeTensorRecord, type TensorRecord } from './tensor-record.js';
import { freshVariableName } from './variable-name.js';

/** Stable name of the `tf.Variable` codec. */
export const VARIABLE_CODEC_NAME = 'tf.Variable';

/** How a `tf.Variable` is stored: its value, its name in the saving process, whether it trains. */
export interface VariableRecord {
  value: TensorRecord;
  name: string;
  trainable: boolean;
}

const storedNames = new WeakMap<tf.Variable, string>();

/**
 * The name a loaded variable had in the process that saved it, when it differs from the
 * name it has now (tfjs variable names are global: a loaded variable whose name is taken
 * gets a fresh one). `undefined` for variables not loaded by reprise or loaded under
 * their stored name.
 */
export function storedVariableName(variable: tf.Variable): string | undefined {
  return storedNames.get(variable);
}

/**
 * Registers the codec for `tf.Variable`: value, name and `trainable`. On load the stored
 * name is reused when it is free in the tfjs engine; otherwise (or when it is one of
 * the engine's own numeric names) the variable gets a fresh name — see
 * `freshVariableName` — and the stored one is kept for {@link storedVariableName}.
 */
export function registerVariableCodec(registry: Registry): void {
  registry.registerCodec(tf.Variable, {
    name: VARIABLE_CODEC_NAME,
    encode: (variable: tf.Variable, ctx: TensorEncodeContext): VariableRecord => ({
      value: encodeTensorRecord(variable, ctx),
      name: storedNames.get(variable) ?? variable.name,
      trainable: variable.trainable,
    }),
    check: (record: unknown, ctx: TensorDecodeContext) => {
      const { value, name } = checkVariableRecord(record, ctx);
      checkTensorRecordHere(value, ctx, name);
    },
    decode: (record: unknown, ctx: TensorDecodeContext) => {
      const { value, name, trainable } = checkVariableRecord(record, ctx);
      const initial = decodeTensorRecord(value, ctx, name);
      const fresh = freshVariableName(name);
      const variable = tf.variable(initial, trainable, fresh, initial.dtype);
      initial.dispose();
      if (variable.name !== name) storedNames.set(variable, name);
      return variable;
    },
  });
}

/**
 * The checks of a {@link VariableRecord} before its value is read (the value is then a
 * tensor record: `checkTensorRecord`/`decodeTensorRecord`).
 * @throws CheckpointFormatError `BAD_TENSOR` with the graph path.
 */
function checkVariableRecord(record: unknown, ctx: TensorDecodeContext): { value: unknown; name: string; trainable: boolean } {
  if (typeof record !== 'object' || record === null) {
    throw new CheckpointFormatError('BAD_TENSOR', 'a stored tf.Variable must be a record', { path: ctx.path() });
  }
  const { value, name, trainable } = record as Record<string, unknown>;
  if (typeof name !== 'string' || typeof trainable !== 'boolean') {
    throw new CheckpointFormatError('BAD_TENSOR', 'a stored tf.Variable needs a string name and a boolean trainable', { path: ctx.path() });
  }
  return { value, name, trainable };
}
