import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as flatbuffers from 'flatbuffers';
import { CheckpointFormatError } from '../../src/errors.js';
import { verifyRoot, type FieldType, type TableSchema } from '../../src/format/flatbuffers-verifier.js';

/**
 * Each bound the FlatBuffers verifier checks, on a hand-laid buffer: the value that
 * just fits (verified) and the one a byte past it (BAD_HEADER at the byte named).
 *
 * The buffer (56 bytes), for a table of a 4-byte scalar, a string, a vector of 2-byte
 * elements and a vector of tables:
 *
 *    0  root offset → 16
 *    4  vtable: size 12, table size 20, field offsets 4, 8, 12, 16
 *   16  table: soffset 12 (vtable at 16 - 12 = 4), u32 scalar, then three offsets
 *   36  string: length 3, "abc", NUL
 *   44  vector: length 2, two u16
 *   52  table vector: length 0
 */
const TABLE = 16;
const VTABLE = 4;
const STRING = 36;
const VECTOR = 44;
const TABLES = 52;
const SIZE = 56;

const fields: FieldType[] = [{ scalar: 4 }, { string: true }, { vector: 2 }];
const SCHEMA: TableSchema = { name: 'T', fields };
fields.push({ tables: SCHEMA });
const REQUIRED: TableSchema = { name: 'R', fields: [{ scalar: 4 }, { string: true, required: true }] };

function layout(): { bytes: Uint8Array; view: DataView } {
  const bytes = new Uint8Array(SIZE);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, TABLE, true);
  [12, 20, 4, 8, 12, 16].forEach((v, i) => view.setUint16(VTABLE + 2 * i, v, true));
  view.setInt32(TABLE, TABLE - VTABLE, true);
  view.setUint32(TABLE + 4, 0xdeadbeef, true);
  view.setUint32(TABLE + 8, STRING - (TABLE + 8), true);
  view.setUint32(TABLE + 12, VECTOR - (TABLE + 12), true);
  view.setUint32(TABLE + 16, TABLES - (TABLE + 16), true);
  view.setUint32(STRING, 3, true);
  bytes.set([0x61, 0x62, 0x63, 0], STRING + 4);
  view.setUint32(VECTOR, 2, true);
  view.setUint32(TABLES, 0, true);
  return { bytes, view };
}

function edited(edit: (view: DataView) => void): Uint8Array {
  const { bytes, view } = layout();
  edit(view);
  return bytes;
}

function refusedAt(bytes: Uint8Array, schema: TableSchema = SCHEMA, base = 0): number | undefined {
  try {
    verifyRoot(bytes, schema, base);
  } catch (err) {
    assert.ok(err instanceof CheckpointFormatError && err.code === 'BAD_HEADER', `expected BAD_HEADER, got ${String(err)}`);
    return err.offset;
  }
  return assert.fail('expected the buffer to be refused');
}

describe('the FlatBuffers verifier, at each bound', () => {
  it('verifies the hand-laid buffer', () => {
    verifyRoot(layout().bytes, SCHEMA);
  });

  it('a buffer shorter than 8 bytes is refused at its start', () => {
    assert.equal(refusedAt(layout().bytes.subarray(0, 7)), 0);
  });

  it('a root offset whose table runs past the end is refused at the root offset it names', () => {
    assert.equal(refusedAt(edited((v) => v.setUint32(0, SIZE - 3, true))), SIZE - 3);
  });

  it('a vtable before the start of the buffer is refused at its table', () => {
    assert.equal(refusedAt(edited((v) => v.setInt32(TABLE, TABLE + 1, true))), TABLE);
  });

  it('a vtable size must be at least 4, even, and inside the buffer', () => {
    verifyRoot(edited((v) => v.setUint16(VTABLE, 4, true)), SCHEMA); // no fields present: all optional
    verifyRoot(edited((v) => v.setUint16(VTABLE, SIZE - VTABLE, true)), SCHEMA); // extra slots are read as absent fields of a newer schema
    for (const size of [2, 13, SIZE - VTABLE + 2]) assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE, size, true))), VTABLE, `vtable size ${size}`);
  });

  it('a table size must be at least 4 and inside the buffer', () => {
    verifyRoot(edited((v) => v.setUint16(VTABLE + 2, SIZE - TABLE, true)), SCHEMA);
    for (const size of [3, SIZE - TABLE + 1]) assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE + 2, size, true))), TABLE, `table size ${size}`);
  });

  it('a scalar field may end exactly at the end of its table; a byte further is refused where the field starts', () => {
    verifyRoot(edited((v) => v.setUint16(VTABLE + 4, 16, true)), SCHEMA);
    assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE + 4, 17, true))), TABLE + 17);
  });

  it('an offset field must lie inside its table', () => {
    assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE + 10, 17, true))), TABLE + 17);
  });

  it('a string may run exactly to the end of the buffer, its NUL included; a byte further is refused at the string', () => {
    const fits = SIZE - (STRING + 4) - 1;
    verifyRoot(edited((v) => v.setUint32(STRING, fits, true)), SCHEMA);
    assert.equal(refusedAt(edited((v) => v.setUint32(STRING, fits + 1, true))), STRING);
  });

  it('a vector may run exactly to the end of the buffer (length × element size); one element more is refused at the vector', () => {
    const fits = (SIZE - (VECTOR + 4)) / 2;
    verifyRoot(edited((v) => v.setUint32(VECTOR, fits, true)), SCHEMA);
    assert.equal(refusedAt(edited((v) => v.setUint32(VECTOR, fits + 1, true))), VECTOR);
  });

  it('a table vector longer than the buffer holds is refused at the vector', () => {
    assert.equal(refusedAt(edited((v) => v.setUint32(TABLES, 1, true))), TABLES);
    // three 4-byte table offsets from byte 48 end at 60, past the 56 bytes (the u16 vector's 3 elements fit)
    const shared = edited((v) => {
      v.setUint32(VECTOR, 3, true);
      v.setUint32(TABLE + 16, VECTOR - (TABLE + 16), true);
    });
    assert.equal(refusedAt(shared), VECTOR);
  });

  it('an offset that points past the end of the buffer is refused where it points', () => {
    assert.equal(refusedAt(edited((v) => v.setUint32(TABLE + 8, SIZE - (TABLE + 8), true))), SIZE);
  });

  it('a required string that is absent is refused at its table, also when the vtable has no slot for it', () => {
    verifyRoot(layout().bytes, REQUIRED);
    assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE + 6, 0, true)), REQUIRED), TABLE);
    assert.equal(refusedAt(edited((v) => v.setUint16(VTABLE, 6, true)), REQUIRED), TABLE);
  });

  it('offsets are reported from where the buffer sits in the file', () => {
    assert.equal(refusedAt(edited((v) => v.setUint32(STRING, 1000, true)), SCHEMA, 32), 32 + STRING);
  });
});

describe('the FlatBuffers verifier, nesting', () => {
  const nodeFields: FieldType[] = [];
  const NODE: TableSchema = { name: 'Node', fields: nodeFields };
  nodeFields.push({ tables: NODE });

  /** A chain of `n` tables, each holding the next in a one-element table vector. */
  function chain(n: number): Uint8Array {
    const b = new flatbuffers.Builder(64);
    let child = 0;
    for (let k = 0; k < n; k++) {
      let vector = 0;
      if (child) {
        b.startVector(4, 1, 4);
        b.addOffset(child);
        vector = b.endVector();
      }
      b.startObject(1);
      if (vector) b.addFieldOffset(0, vector, 0);
      child = b.endObject();
    }
    b.finish(child);
    return b.asUint8Array();
  }

  it('follows tables inside table vectors: a broken table two levels down is refused', () => {
    const bytes = chain(3);
    verifyRoot(bytes, NODE);
    // the innermost table is the first one built: it sits at the end of the buffer
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const innermost = bytes.length - 4;
    view.setInt32(innermost, innermost + 1, true);
    assert.equal(refusedAt(bytes, NODE), innermost);
  });

  it('verifies 9 nested tables (depth 8) and refuses 10', () => {
    verifyRoot(chain(9), NODE);
    refusedAt(chain(10), NODE);
  });
});
