import * as tf from '#tfjs-core';
import { CheckpointError, CheckpointFormatError } from '../errors.js';
import type { Registry } from '../registry/index.js';
import type { TensorDecodeContext, TensorEncodeContext } from './options.js';
import { parseStoredConfig } from './stored-config.js';
import { buildAndDiscard } from '#trial-build';
import { checkTensorRecord, decodeTensorRecord, encodeTensorRecord, type TensorRecord } from './tensor-record.js';

/**
 * Where each built-in tfjs 4.22 optimizer keeps its state, read from
 * `@tensorflow/tfjs-core/dist/optimizers/*.js`:
 * - `slotLists`: arrays of `{ originalName, variable }`, one entry per trained variable
 *   in the order the gradients arrive (so slot `i` belongs to the `i`-th variable);
 * - `stateVariables`: `tf.Variable`s the constructor creates and training advances
 *   (Adam's `accBeta1`; `setWeights` would recompute them with `pow`, which is not the
 *   same float, so they are stored as they are);
 * - `stateTensors`: constant tensors the constructor derives from its arguments, stored
 *   because tfjs can leave them stale (`setMomentum` does not update `m`).
 * `iterations_` and `getConfig()` are stored for all.
 */
interface OptimizerLayout {
  codecName: string;
  ctor: abstract new (...args: any[]) => tf.Optimizer;
  slotLists: readonly string[];
  stateVariables: readonly string[];
  stateTensors: readonly string[];
}

const LAYOUTS: readonly OptimizerLayout[] = [
  { codecName: 'tf.SGDOptimizer', ctor: tf.SGDOptimizer, slotLists: [], stateVariables: [], stateTensors: ['c'] },
  { codecName: 'tf.MomentumOptimizer', ctor: tf.MomentumOptimizer, slotLists: ['accumulations'], stateVariables: [], stateTensors: ['c', 'm'] },
  {
    codecName: 'tf.AdamOptimizer',
    ctor: tf.AdamOptimizer,
    slotLists: ['accumulatedFirstMoment', 'accumulatedSecondMoment'],
    stateVariables: ['accBeta1', 'accBeta2'],
    stateTensors: [],
  },
  {
    codecName: 'tf.AdamaxOptimizer',
    ctor: tf.AdamaxOptimizer,
    slotLists: ['accumulatedFirstMoment', 'accumulatedWeightedInfNorm'],
    stateVariables: ['iteration', 'accBeta1'],
    stateTensors: [],
  },
  { codecName: 'tf.AdagradOptimizer', ctor: tf.AdagradOptimizer, slotLists: ['accumulatedGrads'], stateVariables: [], stateTensors: [] },
  {
    codecName: 'tf.AdadeltaOptimizer',
    ctor: tf.AdadeltaOptimizer,
    slotLists: ['accumulatedGrads', 'accumulatedUpdates'],
    stateVariables: [],
    stateTensors: [],
  },
  {
    codecName: 'tf.RMSPropOptimizer',
    ctor: tf.RMSPropOptimizer,
    slotLists: ['accumulatedMeanSquares', 'accumulatedMoments', 'accumulatedMeanGrads'],
    stateVariables: [],
    stateTensors: [],
  },
];

/** Stable codec names of the built-in optimizers, by tfjs class name (`SGD`, `Adam`, …). */
export const OPTIMIZER_CODEC_NAMES: Readonly<Record<string, string>> = Object.fromEntries(
  LAYOUTS.map((l) => [(l.ctor as unknown as { className: string }).className, l.codecName]),
);

/** One slot of an optimizer: the name tfjs gave it (`<variable>/m`) and its value. */
export interface SlotRecord {
  originalName: string;
  value: TensorRecord;
}

/** How a built-in optimizer is stored. */
export interface OptimizerRecord {
  /** `JSON.stringify(optimizer.getConfig())`; rebuilt with the class's `fromConfig`. */
  config: string;
  /** `iterations_`, or `null` before the first step. */
  iterations: number | null;
  /** Each slot list by field name; `null` where tfjs has no entry. */
  slots: Record<string, (SlotRecord | null)[]>;
  /** Each state variable / tensor by field name; `trainable` only for variables. */
  state: Record<string, { value: TensorRecord; trainable?: boolean }>;
}

type Slot = { originalName: string; variable: tf.Variable };
type Fields = Record<string, unknown>;

/**
 * Registers codecs for the built-in optimizers (`tf.train.sgd`, `momentum`, `adam`,
 * `adamax`, `adagrad`, `adadelta`, `rmsprop`): config, iteration count, slot variables
 * and internal state, read synchronously from the optimizer's fields, so that training
 * resumed from a checkpoint takes the same steps, bit for bit, as training that never
 * stopped. Slots are matched to variables by position, as tfjs does: resume with the
 * same variables in the same order (the same model, or the same `varList`).
 * A subclass of a built-in optimizer is not covered (register its own codec).
 *
 * Throws on load `CheckpointFormatError` `BAD_OPTIMIZER` / `BAD_STORED_CONFIG` for a malformed
 * record, `CheckpointError` `OPTIMIZER_REBUILD` when tfjs refuses the stored config.
 */
export function registerOptimizerCodecs(registry: Registry): void {
  for (const layout of LAYOUTS) {
    registry.registerCodec(layout.ctor, {
      name: layout.codecName,
      encode: (optimizer: tf.Optimizer, ctx: TensorEncodeContext) => encodeOptimizer(optimizer, layout, ctx),
      decode: (record: unknown, ctx: TensorDecodeContext) => decodeOptimizer(record, layout, ctx),
      // Verify decodes it as loading does and discards it: tfjs refusing the config is found too (Node only, see #trial-build).
      check: buildAndDiscard && ((record: unknown, ctx: TensorDecodeContext) => buildAndDiscard!(() => decodeOptimizer(record, layout, ctx), true)),
    });
  }
}

function encodeOptimizer(optimizer: tf.Optimizer, layout: OptimizerLayout, ctx: TensorEncodeContext): OptimizerRecord {
  const fields = optimizer as unknown as Fields;
  const slots: OptimizerRecord['slots'] = {};
  for (const list of layout.slotLists) {
    const entries = (fields[list] ?? []) as (Slot | undefined)[];
    slots[list] = Array.from(entries, (slot) =>
      slot == null ? null : { originalName: slot.originalName, value: encodeTensorRecord(slot.variable, ctx) },
    );
  }
  const state: OptimizerRecord['state'] = {};
  for (const field of layout.stateVariables) {
    const variable = fields[field] as tf.Variable;
    state[field] = { value: encodeTensorRecord(variable, ctx), trainable: variable.trainable };
  }
  for (const field of layout.stateTensors) state[field] = { value: encodeTensorRecord(fields[field] as tf.Tensor, ctx) };
  const iterations = fields.iterations_;
  return {
    config: JSON.stringify(optimizer.getConfig()),
    iterations: typeof iterations === 'number' ? iterations : null,
    slots,
    state,
  };
}

/**
 * Everything {@link decodeOptimizer} checks, before it builds anything: the record's
 * fields, the config (see `parseStoredConfig`), every state value a `float32` scalar
 * tensor record (what tfjs 4.22's constructors make for `c`, `m`, `accBeta1`, …) with a
 * boolean `trainable` for variables, every slot `null` or a string `originalName` and a
 * tensor record. The start of `decodeOptimizer`; the codecs' `check` (verify) runs the
 * whole `decodeOptimizer` and discards the result, so tfjs refusing the config
 * (`OPTIMIZER_REBUILD`) is found too.
 * @throws CheckpointFormatError `BAD_OPTIMIZER`, `BAD_STORED_CONFIG`, `UNKNOWN_CLASS`, `BAD_TENSOR`.
 */
function checkOptimizerRecord(record: unknown, layout: OptimizerLayout, ctx: TensorDecodeContext, fail: (what: string) => Error): { parsed: Record<string, unknown>; iterations: number | null; slots: Record<string, unknown[]>; state: Record<string, { value: unknown; trainable?: boolean }> } {
  const path = ctx.path();
  if (typeof record !== 'object' || record === null) throw fail('expected a record');
  const { config, iterations, slots, state } = record as Record<string, unknown>;
  if (iterations !== null && !(Number.isSafeInteger(iterations) && (iterations as number) >= 0)) throw fail('iterations must be a count or null');
  if (typeof slots !== 'object' || slots === null || typeof state !== 'object' || state === null) throw fail('it needs slots and state');
  const parsed = parseStoredConfig(config, path);
  for (const field of [...layout.stateVariables, ...layout.stateTensors]) {
    const entry = (state as Record<string, unknown>)[field] as { value?: unknown; trainable?: unknown } | undefined;
    if (!entry || typeof entry !== 'object') throw fail(`state "${field}" is missing`);
    const { dtype, shape } = checkTensorRecord(entry.value, ctx);
    if (dtype !== 'float32' || shape.length !== 0) throw fail(`state "${field}" is a ${dtype} [${shape.join(', ')}], expected float32 []`);
    if (layout.stateVariables.includes(field) && typeof entry.trainable !== 'boolean') throw fail(`state "${field}" needs a boolean trainable`);
  }
  for (const list of layout.slotLists) {
    const entries = (slots as Record<string, unknown>)[list];
    if (!Array.isArray(entries)) throw fail(`slot list "${list}" is missing`);
    entries.forEach((entry: unknown, i) => {
      if (entry === null) return;
      const { originalName, value } = (entry ?? {}) as Record<string, unknown>;
      if (typeof originalName !== 'string') throw fail(`slot ${list}[${i}] needs a string originalName`);
      checkTensorRecord(value, ctx);
    });
  }
  return { parsed, iterations: iterations as number | null, slots: slots as Record<string, unknown[]>, state: state as Record<string, { value: unknown; trainable?: boolean }> };
}

function decodeOptimizer(record: unknown, layout: OptimizerLayout, ctx: TensorDecodeContext): tf.Optimizer {
  const path = ctx.path();
  const fail = (what: string) => new CheckpointFormatError('BAD_OPTIMIZER', `a stored ${layout.codecName} is malformed: ${what}`, { path });
  // Every field, state and slot below was checked there: decoding does not check them again.
  const { parsed, iterations, slots, state } = checkOptimizerRecord(record, layout, ctx, fail);
  let optimizer: tf.Optimizer;
  try {
    const fromConfig = (layout.ctor as unknown as { fromConfig(cls: unknown, config: unknown): tf.Optimizer }).fromConfig;
    optimizer = fromConfig(layout.ctor, parsed);
  } catch (err) {
    throw new CheckpointError('OPTIMIZER_REBUILD', `tfjs could not rebuild the ${layout.codecName}: ${(err as Error)?.message}`, { path, cause: err });
  }
  const fields = optimizer as unknown as Fields;
  const made: tf.Variable[] = [];
  try {
    for (const field of [...layout.stateVariables, ...layout.stateTensors]) {
      const entry = state[field]!;
      const current = fields[field] as tf.Tensor;
      const value = decodeTensorRecord(entry.value, ctx);
      if (value.dtype !== current.dtype || !tf.util.arraysEqual(value.shape, current.shape)) {
        value.dispose();
        throw fail(`state "${field}" is a ${value.dtype} [${value.shape.join(', ')}], expected ${current.dtype} [${current.shape.join(', ')}]`);
      }
      if (layout.stateVariables.includes(field)) {
        fields[field] = tf.variable(value, entry.trainable);
        value.dispose();
      } else {
        fields[field] = value;
      }
      current.dispose();
    }
    for (const list of layout.slotLists) {
      const restored: Slot[] = [];
      slots[list]!.forEach((entry: unknown, i) => {
        if (entry === null) return;
        const { originalName, value } = entry as { originalName: string; value: unknown };
        const tensor = decodeTensorRecord(value, ctx, originalName);
        restored[i] = { originalName, variable: tf.variable(tensor, false) };
        made.push(restored[i]!.variable);
        tensor.dispose();
      });
      fields[list] = restored;
    }
    if (iterations !== null) fields.iterations_ = iterations;
  } catch (err) {
    optimizer.dispose();
    for (const v of made) v.dispose(); // slots of a list not yet handed to the optimizer
    // tfjs 4.22's MomentumOptimizer.dispose forgets its learning rate `c`.
    for (const field of [...layout.stateTensors, ...layout.stateVariables]) (fields[field] as tf.Tensor | undefined)?.dispose();
    throw err;
  }
  return optimizer;
}
