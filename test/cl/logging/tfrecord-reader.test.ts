import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { decodeTfEvent, encodeTfEvent, SessionStatus, type TfEvent } from '../../../src/cl/logging/tf-event.js';
import { encodeTfRecord, maskedCrc32c } from '../../../src/cl/logging/tfrecord.js';
import { readTfEventFile, readTfEvents, readTfRecords } from '../../../src/cl/logging/tfrecord-reader.js';
import { CheckpointError } from '../../../src/errors.js';
import { tempDir } from './fixtures.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const unhex = (s: string) => new Uint8Array(Buffer.from(s, 'hex'));

function isCode(code: string, byte?: number) {
  return (err: unknown) => {
    assert.ok(err instanceof CheckpointError, `expected a CheckpointError, got ${String(err)}`);
    assert.equal(err.code, code);
    if (byte !== undefined) assert.match(err.message, new RegExp(`\\[byte ${byte}\\]$`));
    return true;
  };
}

test('TFRecord header of a 24-byte record is the one every TensorFlow event file starts with', () => {
  // 24 bytes = an Event holding wall_time and file_version "brain.Event:2"
  const record = encodeTfRecord(new Uint8Array(24));
  assert.equal(hex(record.subarray(0, 12)), '1800000000000000a37f4b22');
  assert.equal(record.length, 12 + 24 + 4);
});

test('masked CRC32C follows ((crc >>> 15) | (crc << 17)) + 0xa282ead8', () => {
  // crc32c("123456789") = 0xe3069283, the CRC-32C check value
  const crc = 0xe3069283;
  const masked = (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
  assert.equal(maskedCrc32c(new TextEncoder().encode('123456789')), masked);
});

test('Event wire form: golden bytes, fields in number order, oneof simple_value written even when 0', () => {
  const bytes = encodeTfEvent({ wallTime: 1.5, step: 3, summary: { value: [{ tag: 'a', simpleValue: 0 }] } });
  // 09 <double 1.5> | 10 03 | 2a 0a ( 0a 08 ( 0a 01 'a' | 15 <float 0> ) )
  assert.equal(hex(bytes), '09000000000000f83f' + '1003' + '2a0a' + '0a08' + '0a0161' + '1500000000');
});

const EVENTS: Array<[string, TfEvent]> = [
  ['file version', { wallTime: 1700000000.125, step: 0, fileVersion: 'brain.Event:2' }],
  ['scalars', { wallTime: 2.5, step: 42, summary: { value: [{ tag: 'Top1_Acc_Epoch/train_phase/train_stream/Task000', simpleValue: 0.75 }, { tag: 'é/∑', simpleValue: -1 }] } }],
  ['large and negative steps', { wallTime: 3, step: -5, summary: { value: [] } }],
  ['step beyond 2^32', { wallTime: 3, step: 2 ** 40 + 1, summary: { value: [{ tag: 'x', simpleValue: 1 }] } }],
  ['session START', { wallTime: 4, step: 7, sessionLog: { status: SessionStatus.START, msg: 'resumed' } }],
];

for (const [name, event] of EVENTS) {
  test(`Event round trip: ${name}`, () => {
    assert.deepEqual(decodeTfEvent(encodeTfEvent(event)), event);
  });
}

test('decodeTfEvent skips fields it does not know and rounds nothing it reads', () => {
  // field 10 (source_metadata, length-delimited) and field 4 (graph_def) before wall_time
  const unknown = unhex('5203616263' + '2200');
  const known = encodeTfEvent({ wallTime: 9.75, step: 1 });
  const bytes = new Uint8Array([...unknown, ...known]);
  assert.deepEqual(decodeTfEvent(bytes), { wallTime: 9.75, step: 1 });
});

const BAD_EVENTS: Array<[string, string, number]> = [
  ['length past the end', '2a05 0a01', 1],
  ['varint past the end', '10ff', 1],
  ['varint of 11 bytes', '10ffffffffffffffffffff01', 1],
  ['wall_time as a varint', '0801', 0],
  ['field number 0', '0001', 0],
  ['bad UTF-8 in file_version', '1a01ff', 2],
  ['group wire type', '0b', 0],
];

for (const [name, bytes, at] of BAD_EVENTS) {
  test(`decodeTfEvent refuses ${name}: TFEVENT_INVALID at byte ${at}`, () => {
    assert.throws(() => decodeTfEvent(unhex(bytes.replace(/ /g, ''))), isCode('TFEVENT_INVALID', at));
  });
}

function eventFile(events: TfEvent[]): Uint8Array {
  return Buffer.concat(events.map((e) => encodeTfRecord(encodeTfEvent(e))));
}

test('readTfEvents reads a file record by record, with each record offset', () => {
  const events = EVENTS.map(([, e]) => e);
  const bytes = eventFile(events);
  const read = readTfEvents(bytes);
  assert.deepEqual(
    read.map(({ offset: _offset, ...e }) => e),
    events,
  );
  let at = 0;
  for (const [i, r] of read.entries()) {
    assert.equal(r.offset, at);
    at += 16 + encodeTfEvent(events[i]!).length;
  }
  assert.equal(at, bytes.length);
});

test('every single flipped byte is a TFRECORD_CORRUPT naming the checksum of its record', () => {
  const events = EVENTS.slice(0, 3).map(([, e]) => e);
  const bytes = eventFile(events);
  const records = readTfRecords(bytes);
  for (let p = 0; p < bytes.length; p++) {
    const r = records.findLast((rec) => rec.offset <= p)!;
    const checksumAt = p < r.offset + 12 ? r.offset + 8 : r.offset + 12 + r.data.length;
    for (const flip of [0x01, 0x80]) {
      const broken = Uint8Array.from(bytes);
      broken[p]! ^= flip;
      assert.throws(() => readTfRecords(broken), isCode('TFRECORD_CORRUPT', checksumAt), `flip at ${p}`);
    }
  }
});

test('a file cut anywhere inside a record is TFRECORD_TRUNCATED, or its complete records with allowTruncatedTail', () => {
  const events = EVENTS.slice(0, 3).map(([, e]) => e);
  const bytes = eventFile(events);
  const ends = readTfRecords(bytes).map((r) => r.offset + 16 + r.data.length);
  for (let cut = 1; cut < bytes.length; cut++) {
    const part = bytes.subarray(0, cut);
    const complete = ends.filter((e) => e <= cut).length;
    if (ends.includes(cut)) {
      assert.equal(readTfRecords(part).length, complete);
      continue;
    }
    assert.throws(() => readTfRecords(part), isCode('TFRECORD_TRUNCATED', cut < ends[0]! ? 0 : ends[complete - 1]!));
    assert.equal(readTfRecords(part, { allowTruncatedTail: true }).length, complete);
  }
});

test('a huge length with a valid checksum is refused before anything is read or allocated', () => {
  const header = new Uint8Array(12);
  const view = new DataView(header.buffer);
  view.setBigUint64(0, 2n ** 62n, true);
  view.setUint32(8, maskedCrc32c(header.subarray(0, 8)), true);
  assert.throws(() => readTfRecords(header), isCode('TFRECORD_TRUNCATED', 0));
});

test('a record whose checksums hold but whose data is no Event is TFEVENT_INVALID at its file offset', () => {
  const good = encodeTfRecord(encodeTfEvent({ wallTime: 1, step: 0, fileVersion: 'brain.Event:2' }));
  const bad = encodeTfRecord(unhex('2aff01'));
  const bytes = Buffer.concat([good, bad]);
  assert.throws(() => readTfEvents(bytes), isCode('TFEVENT_INVALID', good.length + 12 + 1));
});

test('readTfEventFile names the file in its errors', (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  const file = path.join(dir, 'events.out.tfevents.1.host');
  const bytes = Buffer.from(eventFile([{ wallTime: 1, step: 0, fileVersion: 'brain.Event:2' }]));
  bytes[14]! ^= 1;
  fs.writeFileSync(file, bytes);
  assert.throws(
    () => readTfEventFile(file),
    (err: unknown) => err instanceof CheckpointError && err.code === 'TFRECORD_CORRUPT' && err.message.startsWith(file),
  );
  assert.throws(() => readTfEventFile(path.join(dir, 'missing')), isCode('LOG_IO'));
});

const EVENT_PROTO = `syntax = "proto3";
package tensorflow;
message SummaryValue { string tag = 1; oneof value { float simple_value = 2; } }
message Summary { repeated SummaryValue value = 1; }
message SessionLog { enum SessionStatus { STATUS_UNSPECIFIED = 0; START = 1; STOP = 2; CHECKPOINT = 3; }
  SessionStatus status = 1; string checkpoint_path = 2; string msg = 3; }
message Event { double wall_time = 1; int64 step = 2;
  oneof what { string file_version = 3; Summary summary = 5; SessionLog session_log = 7; } }
`;

const hasProtoc = spawnSync('protoc', ['--version']).status === 0;

test('protoc, given the field numbers of event.proto, agrees with our encoder and decoder', { skip: hasProtoc ? false : 'protoc is not installed (apt-get install protobuf-compiler)' }, (t) => {
  const { dir, cleanup } = tempDir();
  t.after(cleanup);
  fs.writeFileSync(path.join(dir, 'event.proto'), EVENT_PROTO);
  const protoc = (mode: '--decode' | '--encode', input: Uint8Array | string) =>
    execFileSync('protoc', [`${mode}=tensorflow.Event`, '-I', dir, 'event.proto'], { input });

  const ours = encodeTfEvent({ wallTime: 1.5, step: -3, summary: { value: [{ tag: 'acc', simpleValue: 0 }, { tag: 'loss', simpleValue: 0.5 }] } });
  assert.equal(
    protoc('--decode', ours).toString().replace(/\s+/g, ' ').trim(),
    'wall_time: 1.5 step: -3 summary { value { tag: "acc" simple_value: 0 } value { tag: "loss" simple_value: 0.5 } }',
  );
  const theirs = protoc('--encode', 'wall_time: 4 step: 7 session_log { status: START msg: "resumed" }');
  assert.deepEqual(decodeTfEvent(theirs), { wallTime: 4, step: 7, sessionLog: { status: SessionStatus.START, msg: 'resumed' } });
  assert.equal(hex(theirs), hex(encodeTfEvent({ wallTime: 4, step: 7, sessionLog: { status: SessionStatus.START, msg: 'resumed' } })));
});
