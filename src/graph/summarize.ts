import { CheckpointFormatError } from '../errors.js';
import { ByteReader } from './byte-reader.js';
import { DEFAULT_MAX_DEPTH, Tag, TYPED_ARRAY_KINDS } from './tags.js';

/** What a graph stream holds, found without building any value or running any code. */
export interface GraphSummary {
  /** Object definitions by kind (`Array`, `Object`, `Map`, …) and by registered name for classes and codecs. */
  objects: Record<string, number>;
  /** Class, constructor and codec names with their stored versions (`name@version`). */
  classes: Record<string, number>;
  functions: string[];
  strings: number;
  references: number;
  /** Sections the stream refers to. */
  sectionRefs: number[];
}

const KIND_NAMES: Record<number, string> = {
  [Tag.ARRAY]: 'Array',
  [Tag.OBJECT]: 'Object',
  [Tag.NULL_PROTO_OBJECT]: 'Object(null)',
  [Tag.MAP]: 'Map',
  [Tag.SET]: 'Set',
  [Tag.DATE]: 'Date',
  [Tag.REGEXP]: 'RegExp',
  [Tag.ARRAY_BUFFER]: 'ArrayBuffer',
  [Tag.ARRAY_BUFFER_SECTION]: 'ArrayBuffer',
  [Tag.TYPED_ARRAY]: 'TypedArray',
  [Tag.DATA_VIEW]: 'DataView',
  [Tag.ERROR]: 'Error',
  [Tag.FUNCTION]: 'Function',
  [Tag.NODE_BUFFER]: 'Buffer',
};

/**
 * Walks a graph stream and counts what it holds, checking it as strictly as
 * `decodeGraph` does (every length, reference and tag), but without building values or
 * looking anything up in a registry — the basis of `reprise inspect` and `verify`.
 * @throws CheckpointFormatError for a malformed stream.
 */
export function summarizeGraph(bytes: Uint8Array, fileOffset = 0): GraphSummary {
  const scanner = new Scanner(bytes, fileOffset);
  scanner.value(0);
  if (scanner.r.remaining !== 0) scanner.r.fail(`${scanner.r.remaining} bytes after the root value`);
  return scanner.summary;
}

class Scanner {
  readonly r: ByteReader;
  readonly summary: GraphSummary = { objects: {}, classes: {}, functions: [], strings: 0, references: 0, sectionRefs: [] };
  private objectCount = 0;
  private readonly strings: string[] = [];

  constructor(bytes: Uint8Array, fileOffset: number) {
    this.r = new ByteReader(bytes, fileOffset);
  }

  private count(bucket: Record<string, number>, key: string): void {
    bucket[key] = (bucket[key] ?? 0) + 1;
  }

  private string(): string {
    const r = this.r;
    const tag = r.u8();
    if (tag === Tag.STRING_REF) {
      const id = r.varint();
      if (id >= this.strings.length) r.fail(`reference to string ${id}, but only ${this.strings.length} are defined`);
      return this.strings[id]!;
    }
    if (tag !== Tag.STRING && tag !== Tag.STRING16) r.fail(`expected a string, found tag 0x${tag.toString(16)}`);
    const s = tag === Tag.STRING ? r.utf8() : r.utf16();
    this.strings.push(s);
    this.summary.strings++;
    return s;
  }

  value(depth: number, allowHole = false): void {
    const r = this.r;
    if (depth > DEFAULT_MAX_DEPTH) throw new CheckpointFormatError('DEPTH_LIMIT', `nested deeper than ${DEFAULT_MAX_DEPTH}`, { offset: r.pos });
    const tag = r.u8();
    switch (tag) {
      case Tag.UNDEFINED:
      case Tag.NULL:
      case Tag.FALSE:
      case Tag.TRUE:
        return;
      case Tag.HOLE:
        if (!allowHole) r.fail('a hole outside an array');
        return;
      case Tag.INT:
        r.varint();
        return;
      case Tag.FLOAT64:
        r.f64();
        return;
      case Tag.STRING:
      case Tag.STRING16:
      case Tag.STRING_REF:
        r.pos--;
        this.string();
        return;
      case Tag.BIGINT:
        r.u8();
        r.bytesView(r.varint());
        return;
      case Tag.REF: {
        const id = r.varint();
        if (id >= this.objectCount) r.fail(`reference to object ${id}, but only ${this.objectCount} are defined`);
        this.summary.references++;
        return;
      }
    }
    this.objectCount++;
    const kind = KIND_NAMES[tag];
    if (kind) this.count(this.summary.objects, kind);
    switch (tag) {
      case Tag.ARRAY: {
        const n = r.count();
        for (let i = 0; i < n; i++) this.value(depth + 1, true);
        return;
      }
      case Tag.OBJECT:
      case Tag.NULL_PROTO_OBJECT:
        return this.fields(depth);
      case Tag.MAP: {
        const n = r.count(2);
        for (let i = 0; i < 2 * n; i++) this.value(depth + 1);
        return;
      }
      case Tag.SET: {
        const n = r.count();
        for (let i = 0; i < n; i++) this.value(depth + 1);
        return;
      }
      case Tag.DATE:
        r.f64();
        return;
      case Tag.REGEXP:
        this.string();
        this.string();
        return;
      case Tag.ARRAY_BUFFER:
      case Tag.NODE_BUFFER:
        r.bytesView(r.varint());
        return;
      case Tag.ARRAY_BUFFER_SECTION:
        this.summary.sectionRefs.push(r.varint());
        return;
      case Tag.TYPED_ARRAY: {
        const code = r.u8();
        if (!TYPED_ARRAY_KINDS[code]) r.fail(`unknown typed array kind ${code}`);
        this.value(depth + 1);
        r.varint();
        r.varint();
        return;
      }
      case Tag.DATA_VIEW:
        this.value(depth + 1);
        r.varint();
        r.varint();
        return;
      case Tag.ERROR:
        this.string();
        this.string();
        this.value(depth + 1);
        this.value(depth + 1);
        return;
      case Tag.FUNCTION:
        this.summary.functions.push(this.string());
        return;
      case Tag.CLASS_FIELDS: {
        this.count(this.summary.classes, `${this.string()}@${r.varint()}`);
        return this.fields(depth);
      }
      case Tag.CLASS_STATE:
      case Tag.CONSTRUCTOR:
      case Tag.CODEC:
        this.count(this.summary.classes, `${this.string()}@${r.varint()}`);
        this.value(depth + 1);
        return;
      default:
        r.fail(`unknown tag 0x${tag.toString(16)}`, r.pos - 1);
    }
  }

  private fields(depth: number): void {
    const n = this.r.count(2);
    for (let i = 0; i < n; i++) {
      this.string();
      this.value(depth + 1);
    }
  }
}
