import { CheckpointFormatError } from '../errors.js';

/**
 * The `flatbuffers` JavaScript runtime has no verifier: on a hostile buffer its
 * accessors read past the end or loop over lying vector lengths. This checks every
 * offset, vtable and vector a schema can reach against the buffer's bounds before the
 * generated accessors are used, so they only ever read verified bytes. It returns where
 * it found each field ({@link VerifiedTable}), so a reader can read what was verified
 * and nothing else (./header-compact.ts does).
 */
export type FieldType =
  | { scalar: 1 | 2 | 4 | 8 }
  | { string: true; required?: boolean }
  | { vector: 1 | 2 | 4 | 8 }
  | { tables: TableSchema };

export interface TableSchema {
  name: string;
  /** Field types by vtable slot (the schema's field order). */
  fields: readonly FieldType[];
}

/**
 * A verified table, by field (the schema's order): a scalar's position; the position of
 * a string's or vector's length (its elements follow); the verified tables of a vector of
 * tables. 0 (no tables) for an absent field. Positions are in the verified buffer.
 */
export type VerifiedTable = Array<number | VerifiedTable[]>;

const MAX_DEPTH = 8;

/** @throws CheckpointFormatError `BAD_HEADER` naming the byte (`baseOffset` + position) where `bytes` breaks `schema`. */
export function verifyRoot(bytes: Uint8Array, schema: TableSchema, baseOffset = 0): VerifiedTable {
  const v: Verifier = new Verifier(bytes, baseOffset);
  v.check(bytes.length >= 8, 0, 'buffer too short for a root table offset');
  return v.table(v.u32(0), schema, 0);
}

class Verifier {
  readonly #view: DataView;
  readonly #bytes: Uint8Array;
  readonly #baseOffset: number;

  constructor(bytes: Uint8Array, baseOffset: number) {
    this.#bytes = bytes;
    this.#baseOffset = baseOffset;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  check(ok: boolean, at: number, what: string): asserts ok {
    if (!ok) this.fail(at, what);
  }

  /** Hot paths call this only on failure, so that their messages are not built on every check. */
  fail(at: number, what: string): never {
    throw new CheckpointFormatError('BAD_HEADER', `invalid FlatBuffers header: ${what}`, { offset: this.#baseOffset + at });
  }

  inBounds(pos: number, size: number): boolean {
    return Number.isSafeInteger(pos) && pos >= 0 && size >= 0 && pos + size <= this.#bytes.length;
  }

  u32(pos: number): number {
    this.check(this.inBounds(pos, 4), pos, 'offset out of bounds');
    return this.#view.getUint32(pos, true);
  }

  table(pos: number, schema: TableSchema, depth: number): VerifiedTable {
    this.check(depth <= MAX_DEPTH, pos, 'tables nested too deeply');
    if (!(this.inBounds(pos, 4))) this.fail(pos, `${schema.name} table out of bounds`);
    const vtable = pos - this.#view.getInt32(pos, true);
    if (!(this.inBounds(vtable, 4))) this.fail(pos, `${schema.name} vtable out of bounds`);
    const vtableSize = this.#view.getUint16(vtable, true);
    const tableSize = this.#view.getUint16(vtable + 2, true);
    if (!(vtableSize >= 4 && vtableSize % 2 === 0 && this.inBounds(vtable, vtableSize))) this.fail(vtable, `${schema.name} vtable size ${vtableSize} invalid`);
    if (!(tableSize >= 4 && this.inBounds(pos, tableSize))) this.fail(pos, `${schema.name} table size ${tableSize} invalid`);
    const slots = (vtableSize - 4) / 2;
    return schema.fields.map((field, i) => {
      const fieldOffset = i < slots ? this.#view.getUint16(vtable + 4 + 2 * i, true) : 0;
      if (fieldOffset === 0) {
        if ('string' in field && field.required) this.fail(pos, `${schema.name} field ${i} is required but absent`);
        return 'tables' in field ? [] : 0;
      }
      const at = pos + fieldOffset;
      if ('scalar' in field) {
        if (!(fieldOffset + field.scalar <= tableSize)) this.fail(at, `${schema.name} field ${i} outside its table`);
        return at;
      }
      if (!(fieldOffset + 4 <= tableSize)) this.fail(at, `${schema.name} field ${i} outside its table`);
      const target = at + this.u32(at);
      const length = this.u32(target);
      if ('string' in field) {
        if (!(this.inBounds(target + 4, length + 1))) this.fail(target, `${schema.name} string field ${i} runs past the end`);
      } else if ('vector' in field) {
        if (!(this.inBounds(target + 4, length * field.vector))) this.fail(target, `${schema.name} vector field ${i} of ${length} runs past the end`);
      } else {
        if (!(this.inBounds(target + 4, length * 4))) this.fail(target, `${schema.name} table vector field ${i} of ${length} runs past the end`);
        const tables: VerifiedTable[] = [];
        for (let k = 0; k < length; k++) {
          const elem = target + 4 + 4 * k;
          tables.push(this.table(elem + this.u32(elem), field.tables, depth + 1));
        }
        return tables;
      }
      return target;
    });
  }
}
