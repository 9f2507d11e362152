import * as tf from '#tfjs-core';
import * as tfl from '#tfjs-layers-lazy';
import { CheckpointError, CheckpointFormatError, UnsupportedValueError } from '../errors.js';
import type { Registry } from '../registry/index.js';
import type { TensorDecodeContext, TensorEncodeContext } from './options.js';
import { checkCompileRecord, compileStateOf, restoreCompileState, type CompileState } from './compile-state.js';
import { parseStoredConfig } from './stored-config.js';
import { StoredWeightSupply, type StoredWeightEntry } from './stored-weights.js';
import { encodeTensorRecord, type TensorRecord } from './tensor-record.js';
import { isRegistered } from './variable-name.js';
import { verifyModelRecord } from '#trial-build';

/** Stable names of the model codecs. */
export const SEQUENTIAL_CODEC_NAME = 'tf.Sequential';
export const LAYERS_MODEL_CODEC_NAME = 'tf.LayersModel';

/** `trainable` of a layer and, for a nested model, of its own layers. */
export interface LayerTrainability {
  trainable: boolean;
  layers?: LayerTrainability[];
}

/** How a tfjs-layers model is stored. */
export interface ModelRecord {
  /** `JSON.stringify(model.getConfig())`: the topology, rebuilt with `fromConfig`. */
  config: string;
  /** Every weight, layer by layer in build order (see `weightsInBuildOrder`): the stored name (diagnostics), value and `trainable`. */
  weights: { name: string; value: TensorRecord; trainable: boolean }[];
  trainable: boolean;
  layers: LayerTrainability[];
  /** What `compile()` set, or `null` for a model never compiled. */
  compiled: CompileState | null;
}

/**
 * The name a rebuilt weight had in the file, when tfjs gave it another (its name was
 * taken in this process). Saved again under the stored name, so that resuming and
 * re-saving many times does not change the file.
 */
const storedWeightNames = new WeakMap<object, string>();

/** Attempts at rebuilding a model whose weight names are taken by loose variables; see `rebuild`. */
const MAX_REBUILD_ATTEMPTS = 64;

/**
 * Registers the codecs for `tf.Sequential` and functional `tf.LayersModel`: topology
 * from `getConfig()`, every weight's bytes, and the `trainable` flags of the model, of
 * every layer (nested models included) and of every weight. Loading rebuilds the model
 * synchronously with `fromConfig`, each weight variable created directly from its stored
 * tensor (see `StoredWeightSupply`: no initializer runs, so no random numbers are drawn,
 * nothing is zero-filled, constraints are not re-applied, so the values are the saved
 * ones bit for bit; a topology asking for a weight the file does not hold is refused
 * before that weight's memory is allocated).
 * A model loads fine while the one it was saved from still lives: tfjs-layers gives
 * the rebuilt weights unique names. A compiled model is compiled again as it was (see
 * `CompileState`); a custom loss or metric function must be registered with
 * `registerFunction` to be saved.
 *
 * Throws on save `UnsupportedValueError` `MODEL_CONFIG` when a layer has no `getConfig`,
 * `DISPOSED_TENSOR` for a disposed model; on load `CheckpointFormatError` `BAD_MODEL` /
 * `BAD_STORED_CONFIG` / `UNKNOWN_CLASS` for a malformed record or an unregistered custom layer,
 * `CheckpointError` `MODEL_REBUILD` when tfjs refuses the stored topology or weights.
 */
export function registerModelCodecs(registry: Registry): void {
  registry.registerCodec(tfl.Sequential, {
    name: SEQUENTIAL_CODEC_NAME,
    encode: (model: tfl.Sequential, ctx: TensorEncodeContext) => encodeModel(model, ctx),
    decode: (record: unknown, ctx: TensorDecodeContext) => decodeModel(record, ctx, 'Sequential') as tfl.Sequential,
    check: verifyModelRecord && ((record: unknown, ctx: TensorDecodeContext) => verifyModelRecord!(record, (r, weightName) => decodeModel(r, ctx, 'Sequential', weightName))),
  });
  registry.registerCodec(tfl.LayersModel, {
    name: LAYERS_MODEL_CODEC_NAME,
    encode: (model: tfl.LayersModel, ctx: TensorEncodeContext) => encodeModel(model, ctx),
    decode: (record: unknown, ctx: TensorDecodeContext) => decodeModel(record, ctx, 'LayersModel'),
    check: verifyModelRecord && ((record: unknown, ctx: TensorDecodeContext) => verifyModelRecord!(record, (r, weightName) => decodeModel(r, ctx, 'LayersModel', weightName))),
  });
}

type Container = { trainable: boolean; layers: tfl.layers.Layer[] };

function encodeModel(model: tfl.LayersModel, ctx: TensorEncodeContext): ModelRecord {
  let config: string;
  try {
    config = JSON.stringify(model.getConfig());
  } catch (err) {
    throw new UnsupportedValueError(
      'MODEL_CONFIG',
      `the model "${model.name}" cannot describe its topology (getConfig failed: ${(err as Error)?.message}); custom layers need getConfig() and tf.serialization.registerClass`,
      { path: ctx.path(), cause: err },
    );
  }
  const weights = weightsInBuildOrder(model as unknown as Container);
  if (weights.some((w) => w.val.isDisposed)) {
    throw new UnsupportedValueError(
      'DISPOSED_TENSOR',
      `the model "${model.name}" is disposed (its weights are gone); set the field to null or exclude it once disposed`,
      { path: ctx.path() },
    );
  }
  return {
    config,
    weights: weights.map((w) => ({ name: storedWeightNames.get(w) ?? w.name, value: encodeTensorRecord(w.val, ctx), trainable: w.trainable })),
    trainable: model.trainable,
    layers: layerTrainability(model as unknown as Container),
    compiled: compileStateOf(model, weights),
  };
}

/** A tfjs-layers weight: `val` is the `tf.Variable` behind it. */
type LayerWeight = tfl.LayerVariable & { val: tf.Variable };

/**
 * Every weight of the model, layer by layer (nested models included), each layer's
 * trainable weights before its non-trainable ones as `addWeight` created them. Unlike
 * `model.weights`, this order does not change when `trainable` flags change, so it
 * matches between a model and its rebuild (whose flags are restored afterwards).
 */
function weightsInBuildOrder(container: Container, seen = new Set<object>()): LayerWeight[] {
  const out: LayerWeight[] = [];
  for (const layer of container.layers) {
    if (seen.has(layer)) continue;
    seen.add(layer);
    const nested = layer as unknown as Partial<Container> & { _trainableWeights: LayerWeight[]; _nonTrainableWeights: LayerWeight[] };
    if (Array.isArray(nested.layers)) out.push(...weightsInBuildOrder(nested as Container, seen));
    else out.push(...nested._trainableWeights, ...nested._nonTrainableWeights);
  }
  return out;
}

function layerTrainability(container: Container): LayerTrainability[] {
  return container.layers.map((layer) => {
    const nested = (layer as unknown as Partial<Container>).layers;
    return Array.isArray(nested)
      ? { trainable: layer.trainable, layers: layerTrainability(layer as unknown as Container) }
      : { trainable: layer.trainable };
  });
}

/**
 * What {@link decodeModel} checks first: the record's fields and the config (valid JSON,
 * no refused key, every `className` registered with tfjs). `decodeModel` then makes the
 * weight supply (which checks every stored weight against its section) and checks the
 * compile state before it builds a layer. What only building finds — a topology that asks
 * for weights the file does not hold, trainable flags for another number of layers, tfjs
 * refusing the config — verify finds by decoding the model (`verifyModelRecord`).
 * @throws CheckpointFormatError `BAD_MODEL`, `BAD_STORED_CONFIG`, `UNKNOWN_CLASS`.
 */
function checkModelRecord(
  record: unknown,
  path: string,
  fail: (what: string) => Error,
): { config: unknown; weights: StoredWeightEntry[]; trainable: boolean; layers: unknown[]; compiled: unknown } {
  if (typeof record !== 'object' || record === null) throw fail('expected a record');
  const { config, weights, trainable, layers, compiled } = record as Record<string, unknown>;
  if (!Array.isArray(weights) || typeof trainable !== 'boolean' || !Array.isArray(layers)) {
    throw fail('it needs weights, trainable and layers');
  }
  parseStoredConfig(config, path); // validate once before building anything
  return { config, weights: weights as StoredWeightEntry[], trainable, layers, compiled };
}

function decodeModel(record: unknown, ctx: TensorDecodeContext, kind: 'Sequential' | 'LayersModel', weightName?: (name: string) => string): tfl.LayersModel {
  const path = ctx.path();
  const fail = (what: string) => new CheckpointFormatError('BAD_MODEL', `a stored ${kind} is malformed: ${what}`, { path });
  const { config, weights, trainable, layers, compiled } = checkModelRecord(record, path, fail);
  // Every stored weight checked against its section, nothing allocated yet; each weight
  // the topology asks for must then be one of them before its memory is allocated.
  const supply = new StoredWeightSupply(weights as StoredWeightEntry[], ctx, fail, weightName);
  checkCompileRecord(compiled, weights.length, path);
  const model = rebuild(
    () =>
      supply.build(() => {
        const fresh = parseStoredConfig(config, path) as tf.serialization.ConfigDict;
        const built =
          kind === 'Sequential'
            ? tfl.Sequential.fromConfig<tfl.Sequential>(tfl.Sequential, fresh, {}, true)
            : tfl.LayersModel.fromConfig<tfl.LayersModel>(tfl.LayersModel, fresh, {}, true);
        buildLazySequentials(built);
        return built;
      }),
    path,
  );
  try {
    const targets = weightsInBuildOrder(model as unknown as Container);
    try {
      supply.settle(targets);
    } catch (err) {
      if (err instanceof CheckpointError) throw err;
      throw new CheckpointError('MODEL_REBUILD', `the stored weights do not fit the rebuilt model: ${(err as Error)?.message}`, { path, cause: err });
    }
    weights.forEach((entry: { name?: unknown }, i) => {
      if (typeof entry.name === 'string' && entry.name !== targets[i]!.name) storedWeightNames.set(targets[i]!, entry.name);
    });
    model.trainable = trainable;
    restoreTrainability(model as unknown as Container, layers, fail);
    weights.forEach((entry: { trainable: boolean }, i) => {
      targets[i]!.trainable = entry.trainable;
    });
    restoreCompileState(model, compiled, targets, path);
  } catch (err) {
    model.dispose();
    throw err;
  }
  return model;
}

/**
 * A `tf.Sequential` builds its inner model on first use, and that build sets every
 * weight's `trainable` to the model's (`this.model.trainable = this.trainable`). The
 * saved model had been used (its weights were read), so build the rebuilt one now,
 * before its flags are restored, or the first `apply` would undo them.
 */
function buildLazySequentials(layer: unknown): void {
  if (layer instanceof tfl.Sequential) {
    const sequential = layer as unknown as { model?: unknown; inputs: unknown[]; build(): void };
    if (sequential.model == null && sequential.inputs.length > 0) sequential.build();
  }
  const nested = (layer as Partial<Container>).layers;
  if (Array.isArray(nested)) nested.forEach(buildLazySequentials);
}

function restoreTrainability(container: Container, stored: unknown[], fail: (what: string) => Error): void {
  if (stored.length !== container.layers.length) {
    throw fail(`it stores the trainable flags of ${stored.length} layers, its topology has ${container.layers.length}`);
  }
  container.layers.forEach((layer, i) => {
    const { trainable, layers } = (stored[i] ?? {}) as Record<string, unknown>;
    if (typeof trainable !== 'boolean') throw fail(`layer ${i} needs a boolean trainable`);
    layer.trainable = trainable;
    const nested = (layer as unknown as Partial<Container>).layers;
    if (Array.isArray(nested) && Array.isArray(layers)) restoreTrainability(layer as unknown as Container, layers, fail);
  });
}

/**
 * Runs `build` (a `fromConfig`). tfjs-layers names the weights from the layer names and
 * its own counters, which do not know about variables created directly with
 * `tf.variable` (e.g. a loose copy of this model's weight loaded earlier from the same
 * file); on such a clash the half-built model's variables are disposed and the build
 * is repeated — each clash advanced tfjs-layers' counter, so the next attempt picks a
 * free name.
 */
function rebuild(build: () => tfl.LayersModel, path: string): tfl.LayersModel {
  for (let attempt = 1; ; attempt++) {
    const before = new Set(Object.keys(tf.engine().registeredVariables));
    try {
      return build();
    } catch (err) {
      for (const name of Object.keys(tf.engine().registeredVariables)) {
        if (!before.has(name) && isRegistered(name)) tf.engine().registeredVariables[name]!.dispose();
      }
      if (err instanceof CheckpointError) throw err;
      const message = (err as Error)?.message ?? String(err);
      if (/^Variable with name .* was already registered$/.test(message) && attempt < MAX_REBUILD_ATTEMPTS) continue;
      throw new CheckpointError('MODEL_REBUILD', `tfjs could not rebuild the stored model: ${message}`, { path, cause: err });
    }
  }
}
