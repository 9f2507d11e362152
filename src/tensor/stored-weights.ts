import * as tf from '#tfjs-core';
import * as tfl from '#tfjs-layers-lazy';
import type { DecodeContext } from '../registry/index.js';
import { checkTensorRecord, decodeTensorRecord, type InspectedTensorRecord } from './tensor-record.js';

/** One stored weight of a model record: its stored name (diagnostics and matching), value and `trainable`. */
export interface StoredWeightEntry {
  name: string;
  value: unknown;
  trainable: boolean;
}

type AddWeight = (
  this: tfl.layers.Layer,
  name: string,
  shape: number[],
  dtype?: tf.DataType,
  initializer?: unknown,
  regularizer?: unknown,
  trainable?: boolean,
  constraint?: unknown,
  getInitializerFunc?: () => unknown,
) => tfl.LayerVariable;

let building = false;

/**
 * Hands a model's stored weights to tfjs-layers while it builds the model, so that
 * every weight variable is created from its stored tensor (sharing its data: on the
 * `cpu` backend the file's bytes themselves) instead of being zero-filled and then
 * assigned: each weight is written once, and no initializer runs.
 *
 * Every stored record is checked against its section when the supply is made, before
 * anything is built; then each weight a layer asks for (`Layer.addWeight`) must match an
 * unclaimed stored weight of the same dtype and shape *before* its memory is allocated,
 * so a config that declares sizes the file does not hold fails with `BAD_MODEL` having
 * allocated nothing for them. Weights are matched by position (the build order, the
 * usual case), else by dtype, shape and stored name; {@link settle} then checks the
 * built model's weights against the stored order and reassigns any that were matched
 * to a different stored weight (possible only for unusual topologies, e.g. a nested
 * model built before the layers listed ahead of it).
 */
export class StoredWeightSupply {
  readonly #records: InspectedTensorRecord[];
  #claimed: boolean[] = [];
  #claims = 0;
  #handedOut: tf.Tensor[] = [];
  /** The stored weight index each weight variable built under {@link build} received. */
  #received = new Map<object, number>();

  readonly #ctx: DecodeContext;
  readonly #fail: (what: string) => Error;
  /** The name each weight asks tfjs-layers for, given the one its layer asks for (verify's trial names). Default: unchanged. */
  readonly #weightName: (name: string) => string;

  /**
   * @throws what `inspectTensorRecord` throws for a malformed record, and `fail(…)`
   *   (a `BAD_MODEL` error) for an entry without a boolean `trainable`.
   */
  constructor(
    readonly entries: readonly StoredWeightEntry[],
    ctx: DecodeContext,
    fail: (what: string) => Error,
    weightName: (name: string) => string = (name) => name,
  ) {
    this.#ctx = ctx;
    this.#fail = fail;
    this.#weightName = weightName;
    this.#records = checkStoredWeights(entries, ctx, fail);
  }

  /**
   * Runs `fn` (a `fromConfig`) with `Layer.prototype.addWeight` taking each weight's
   * initial value from this supply. Synchronous; the prototype is restored before it
   * returns or throws. On a throw, every tensor handed out is disposed.
   */
  build<T>(fn: () => T): T {
    if (building) throw new Error('internal: StoredWeightSupply.build is not reentrant');
    this.#claimed = this.#records.map(() => false);
    this.#claims = 0;
    this.#received = new Map();
    this.#handedOut = [];
    const proto = tfl.layers.Layer.prototype as unknown as { addWeight: AddWeight };
    const original = proto.addWeight;
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const supply = this;
    proto.addWeight = function (this: tfl.layers.Layer, name, shape, dtype, _initializer, regularizer, trainable, constraint) {
      const index = supply.#claim(this.name, name, shape, dtype ?? 'float32');
      const initializer = { apply: () => supply.#take(index) };
      // Passed both ways: as the initializer, and as the one fastWeightInit would use instead.
      const weight = original.call(this, supply.#weightName(name), shape, dtype, initializer, regularizer, trainable, constraint, () => initializer);
      supply.#received.set(weight, index);
      return weight;
    };
    building = true;
    try {
      return fn();
    } catch (err) {
      for (const t of this.#handedOut) t.dispose();
      throw err;
    } finally {
      building = false;
      proto.addWeight = original;
      this.#handedOut = [];
    }
  }

  /**
   * Checks the built model's weights, in the stored order, against what each received,
   * and assigns the stored value to any that received another one.
   * @throws `fail(…)` when the model has more or fewer weights than are stored.
   */
  settle(targets: readonly (tfl.LayerVariable & { val: tf.Variable })[]): void {
    if (targets.length !== this.#records.length) {
      throw this.#fail(`it stores ${this.#records.length} weights, its topology has ${targets.length} (${targets.map((w) => w.originalName).join(', ')})`);
    }
    targets.forEach((target, i) => {
      if (this.#received.get(target) === i) return;
      const tensor = decodeTensorRecord(this.entries[i]!.value, this.#ctx, target.originalName);
      try {
        target.val.assign(tensor);
      } finally {
        tensor.dispose();
      }
    });
  }

  #claim(layer: string, local: string, shape: readonly number[], dtype: string): number {
    const fits = (i: number) => !this.#claimed[i] && this.#records[i]!.dtype === dtype && sameShape(this.#records[i]!.shape, shape);
    let index = this.#claims < this.#records.length && fits(this.#claims) ? this.#claims : -1;
    if (index < 0) {
      const wanted = `${layer}/${local}`;
      for (let i = 0; i < this.#records.length; i++) {
        if (!fits(i)) continue;
        if (index < 0) index = i;
        if (nameMatches(this.entries[i]!.name, wanted)) {
          index = i;
          break;
        }
      }
    }
    if (index < 0) {
      const left = this.#records.filter((_, i) => !this.#claimed[i]).map((r) => `${r.dtype} [${r.shape.join(', ')}]`);
      throw this.#fail(
        `its topology asks for a ${dtype} weight "${layer}/${local}" of shape [${Array.from(shape).join(', ')}], which the file does not hold ` +
          `(${left.length === 0 ? 'every stored weight is taken' : `unclaimed stored weights: ${left.slice(0, 8).join(', ')}${left.length > 8 ? ', …' : ''}`})`,
      );
    }
    this.#claimed[index] = true;
    this.#claims++;
    return index;
  }

  #take(index: number): tf.Tensor {
    const tensor = decodeTensorRecord(this.entries[index]!.value, this.#ctx, this.entries[index]!.name);
    this.#handedOut.push(tensor);
    return tensor;
  }
}

/**
 * Checks every stored weight entry of a model record (a record with a boolean
 * `trainable` and a tensor record checked against its section by `checkTensorRecord`),
 * allocating nothing; what {@link StoredWeightSupply} checks when it is made.
 * @throws `fail(…)` (`BAD_MODEL`) for a malformed entry, `BAD_TENSOR` for a malformed tensor record.
 */
export function checkStoredWeights(entries: readonly unknown[], ctx: DecodeContext, fail: (what: string) => Error): InspectedTensorRecord[] {
  return entries.map((entry, i) => {
    if (typeof entry !== 'object' || entry === null) throw fail(`weight ${i} must be a record`);
    const { trainable, value } = entry as Record<string, unknown>;
    if (typeof trainable !== 'boolean') throw fail(`weight ${i} needs a boolean trainable`);
    return checkTensorRecord(value, ctx);
  });
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  if (!Array.isArray(b) || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** `dense_1/kernel` matches the stored `dense_1/kernel`, `model/dense_1/kernel` and `dense_1/kernel_3`. */
function nameMatches(stored: unknown, wanted: string): boolean {
  if (typeof stored !== 'string') return false;
  const base = stored.replace(/_\d+$/, '');
  return base === wanted || base.endsWith(`/${wanted}`);
}
