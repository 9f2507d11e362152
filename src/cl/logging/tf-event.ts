import {
  ProtoReader,
  ProtoWriter,
  WIRE_FIXED32,
  WIRE_FIXED64,
  WIRE_LENGTH_DELIMITED,
  WIRE_VARINT,
  type ProtoField,
} from './protobuf-wire.js';

/** The `file_version` TensorBoard expects in the first record of an event file. */
export const TF_EVENT_FILE_VERSION = 'brain.Event:2';

/** `SessionLog.SessionStatus` of TensorFlow's `event.proto`. */
export const SessionStatus = { STATUS_UNSPECIFIED: 0, START: 1, STOP: 2, CHECKPOINT: 3 } as const;

/** `Summary.Value`, the scalar part: `tag = 1`, `simple_value = 2` (float). */
export interface TfSummaryValue {
  tag: string;
  /** Absent when the value holds another kind (image, histogram, tensor), which this reader skips. */
  simpleValue?: number;
}

/** `SessionLog`: `status = 1`, `checkpoint_path = 2`, `msg = 3`. */
export interface TfSessionLog {
  status: number;
  checkpointPath?: string;
  msg?: string;
}

/**
 * TensorFlow's `Event` (tensorflow/core/util/event.proto), the fields TensorBoard's
 * scalars need: `wall_time = 1` (double, seconds), `step = 2` (int64), and one of
 * `file_version = 3`, `summary = 5` (`Summary { repeated Value value = 1 }`),
 * `session_log = 7`. Other fields are skipped when read and never written.
 */
export interface TfEvent {
  wallTime: number;
  step: number;
  fileVersion?: string;
  summary?: { value: TfSummaryValue[] };
  sessionLog?: TfSessionLog;
}

/**
 * Encodes an `Event` in the protobuf wire form, fields in number order, proto3 defaults
 * (`step` 0, empty strings) omitted, except `simple_value`, which is in a `oneof` and so
 * is always written. Inverse: {@link decodeTfEvent}.
 */
export function encodeTfEvent(event: TfEvent): Uint8Array {
  const w = new ProtoWriter();
  if (event.wallTime !== 0) w.double(1, event.wallTime);
  if (event.step !== 0) w.varint(2, event.step);
  if (event.fileVersion !== undefined) w.string(3, event.fileVersion);
  if (event.summary !== undefined) {
    const summary = new ProtoWriter();
    for (const v of event.summary.value) {
      const value = new ProtoWriter();
      if (v.tag !== '') value.string(1, v.tag);
      if (v.simpleValue !== undefined) value.float(2, v.simpleValue);
      summary.bytesField(1, value.finish());
    }
    w.bytesField(5, summary.finish());
  }
  if (event.sessionLog !== undefined) {
    const log = new ProtoWriter();
    if (event.sessionLog.status !== 0) log.varint(1, event.sessionLog.status);
    if (event.sessionLog.checkpointPath) log.string(2, event.sessionLog.checkpointPath);
    if (event.sessionLog.msg) log.string(3, event.sessionLog.msg);
    w.bytesField(7, log.finish());
  }
  return w.finish();
}

/**
 * Decodes an `Event` from its wire form. `baseOffset` is where `bytes` start in the
 * file, for error offsets. Unknown fields are skipped.
 * Inverse: {@link encodeTfEvent}. Throws `CheckpointError` `TFEVENT_INVALID` (with
 * `[byte N]`) on a malformed message: a field running past its end, a known field with
 * the wrong wire type, bad UTF-8 in a string.
 */
export function decodeTfEvent(bytes: Uint8Array, baseOffset = 0): TfEvent {
  const r = new ProtoReader(bytes, baseOffset, 'TFEVENT_INVALID');
  const event: TfEvent = { wallTime: 0, step: 0 };
  for (let f = r.next(); f !== undefined; f = r.next()) {
    switch (f.field) {
      case 1:
        r.expectWire(f, WIRE_FIXED64, 'Event.wall_time');
        event.wallTime = r.readDouble();
        break;
      case 2:
        r.expectWire(f, WIRE_VARINT, 'Event.step');
        event.step = Number(BigInt.asIntN(64, r.readVarint()));
        break;
      case 3:
        r.expectWire(f, WIRE_LENGTH_DELIMITED, 'Event.file_version');
        event.fileVersion = r.readString();
        break;
      case 5: {
        r.expectWire(f, WIRE_LENGTH_DELIMITED, 'Event.summary');
        const { bytes: sub, offset } = r.readBytes();
        event.summary = decodeSummary(sub, offset);
        break;
      }
      case 7: {
        r.expectWire(f, WIRE_LENGTH_DELIMITED, 'Event.session_log');
        const { bytes: sub, offset } = r.readBytes();
        event.sessionLog = decodeSessionLog(sub, offset);
        break;
      }
      default:
        r.skip(f);
    }
  }
  return event;
}

function decodeSummary(bytes: Uint8Array, baseOffset: number): { value: TfSummaryValue[] } {
  const r = new ProtoReader(bytes, baseOffset, 'TFEVENT_INVALID');
  const value: TfSummaryValue[] = [];
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field !== 1) {
      r.skip(f);
      continue;
    }
    r.expectWire(f, WIRE_LENGTH_DELIMITED, 'Summary.value');
    const { bytes: sub, offset } = r.readBytes();
    value.push(decodeSummaryValue(sub, offset));
  }
  return { value };
}

function decodeSummaryValue(bytes: Uint8Array, baseOffset: number): TfSummaryValue {
  const r = new ProtoReader(bytes, baseOffset, 'TFEVENT_INVALID');
  const out: TfSummaryValue = { tag: '' };
  for (let f: ProtoField | undefined = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) {
      r.expectWire(f, WIRE_LENGTH_DELIMITED, 'Summary.Value.tag');
      out.tag = r.readString();
    } else if (f.field === 2) {
      r.expectWire(f, WIRE_FIXED32, 'Summary.Value.simple_value');
      out.simpleValue = r.readFloat();
    } else {
      r.skip(f);
    }
  }
  return out;
}

function decodeSessionLog(bytes: Uint8Array, baseOffset: number): TfSessionLog {
  const r = new ProtoReader(bytes, baseOffset, 'TFEVENT_INVALID');
  const out: TfSessionLog = { status: 0 };
  for (let f = r.next(); f !== undefined; f = r.next()) {
    if (f.field === 1) {
      r.expectWire(f, WIRE_VARINT, 'SessionLog.status');
      out.status = Number(BigInt.asIntN(32, r.readVarint()));
    } else if (f.field === 2) {
      r.expectWire(f, WIRE_LENGTH_DELIMITED, 'SessionLog.checkpoint_path');
      out.checkpointPath = r.readString();
    } else if (f.field === 3) {
      r.expectWire(f, WIRE_LENGTH_DELIMITED, 'SessionLog.msg');
      out.msg = r.readString();
    } else {
      r.skip(f);
    }
  }
  return out;
}
