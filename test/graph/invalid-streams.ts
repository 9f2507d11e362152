import type { SectionPayload } from '../../src/format/index.js';
import { Tag } from '../../src/graph/index.js';
import { constructorSerialized, Registry, serializable } from '../../src/registry/index.js';
import { str, varint } from './stream-helpers.js';

/** A graph stream that must be refused, with the code (and path) every reader gives it. */
export interface InvalidStream {
  name: string;
  graph: number[];
  code: string;
  path?: string;
  /** Where the error points, as an offset into the graph stream (the test adds the stream's offset in the file). */
  at?: number;
  sections?: () => SectionPayload[];
  /** The registry `load` and `inspect` both get. Default: an empty one. */
  registry?: () => Registry;
}

const F32_BUFFER = [Tag.ARRAY_BUFFER, 8, 0, 0, 0, 0, 0, 0, 0, 0];
const bytesSection = (n = 16): SectionPayload[] => [{ kind: 'bytes', data: new Uint8Array(n) }];

function withConstructor(): Registry {
  const registry = new Registry();
  @constructorSerialized({ registry, name: 'C' })
  class C {
    constructor(readonly x?: unknown) {}
  }
  void C;
  return registry;
}

/**
 * `P`: fields class without setState, version 1; `M`: at version 2 with a migrate hook
 * that wraps what it is given; `S`: with a setState that takes anything; `f`: a function;
 * `K`: a codec whose value is any graph (having a `check`, inspect reads its value as plain values).
 */
export function withStates(): Registry {
  const registry = new Registry();
  @serializable({ registry, name: 'P' })
  class P {}
  @serializable({ registry, name: 'M', version: 2, migrate: (s: unknown) => ({ migrated: s }) })
  class M {}
  @serializable({ registry, name: 'S', getState: () => 0, setState: (o: S, s: unknown) => void Object.assign(o, { s }) })
  class S {}
  registry.registerFunction('f', () => 0);
  class Box {
    constructor(readonly v: unknown) {}
  }
  registry.registerCodec(Box, { name: 'K', encode: (b: Box) => b.v, decode: (v: unknown) => new Box(v), check: () => {} });
  void [P, M, S];
  return registry;
}

export const INVALID_STREAMS: InvalidStream[] = [
  { name: 'empty stream', graph: [], code: 'BAD_GRAPH' },
  { name: 'unknown tag', graph: [0xee], code: 'BAD_GRAPH', at: 0 },
  { name: 'tag 0x0c (a gap in the table)', graph: [0x0c], code: 'BAD_GRAPH' },
  { name: 'two root values', graph: [Tag.NULL, Tag.NULL], code: 'BAD_GRAPH' },
  { name: 'hole at the root', graph: [Tag.HOLE], code: 'BAD_GRAPH' },
  { name: 'hole as an object value', graph: [Tag.OBJECT, 1, ...str('a'), Tag.HOLE], code: 'BAD_GRAPH', path: '.a', at: 5 },
  { name: 'hole as a Map key', graph: [Tag.MAP, 1, Tag.HOLE, Tag.NULL], code: 'BAD_GRAPH', path: '.keys()[0]', at: 2 },
  { name: 'hole as a Set item', graph: [Tag.SET, 1, Tag.HOLE], code: 'BAD_GRAPH', path: '.values()[0]', at: 2 },
  { name: "hole as an Error's stack", graph: [Tag.ERROR, ...str('Error'), ...str(''), Tag.HOLE, Tag.UNDEFINED], code: 'BAD_GRAPH', path: '.stack' },
  { name: "hole as an Error's cause", graph: [Tag.ERROR, ...str('Error'), ...str(''), Tag.UNDEFINED, Tag.HOLE], code: 'BAD_GRAPH', path: '.cause' },
  { name: 'an object key that is not a string', graph: [Tag.OBJECT, 1, Tag.INT, 0, Tag.NULL], code: 'BAD_GRAPH' },
  { name: 'array count beyond the stream', graph: [Tag.ARRAY, ...varint(2 ** 40)], code: 'BAD_GRAPH' },
  { name: 'Map count beyond the stream', graph: [Tag.MAP, ...varint(2 ** 30)], code: 'BAD_GRAPH' },
  { name: 'object count beyond the stream', graph: [Tag.OBJECT, ...varint(1000), ...str('a')], code: 'BAD_GRAPH' },
  { name: 'string length beyond the stream', graph: [Tag.STRING, ...varint(2 ** 31)], code: 'BAD_GRAPH' },
  { name: 'STRING16 length beyond the stream', graph: [Tag.STRING16, 2, 0x61, 0, 0x62], code: 'BAD_GRAPH' },
  { name: 'ArrayBuffer length beyond the stream', graph: [Tag.ARRAY_BUFFER, ...varint(2 ** 33)], code: 'BAD_GRAPH' },
  { name: 'invalid UTF-8', graph: [Tag.STRING, 2, 0xc3, 0x28], code: 'BAD_GRAPH' },
  // 0x80 is the first byte the short-string ASCII path must hand to the UTF-8 decoder.
  { name: 'a lone continuation byte 0x80 in a short string', graph: [Tag.STRING, 2, 0x61, 0x80], code: 'BAD_GRAPH', at: 2 },
  { name: 'overlong UTF-8 (a 2-byte "/")', graph: [Tag.STRING, 2, 0xc0, 0xaf], code: 'BAD_GRAPH' },
  { name: 'varint of 9 bytes', graph: [Tag.INT, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01], code: 'BAD_GRAPH' },
  { name: 'INT beyond 32 bits', graph: [Tag.INT, ...varint(2 ** 32)], code: 'BAD_GRAPH', at: 0 },
  { name: 'truncated FLOAT64', graph: [Tag.FLOAT64, 0, 0, 0], code: 'BAD_GRAPH' },
  { name: 'BIGINT sign byte 2', graph: [Tag.BIGINT, 2, 0], code: 'BAD_GRAPH', at: 1 },
  { name: 'truncated BIGINT', graph: [Tag.BIGINT, 0, 4, 1], code: 'BAD_GRAPH' },
  { name: 'reference to no object', graph: [Tag.REF, 0], code: 'BAD_GRAPH', at: 1 },
  { name: 'forward reference', graph: [Tag.ARRAY, 1, Tag.REF, 5], code: 'BAD_GRAPH', path: '[0]', at: 3 },
  { name: 'reference to no string', graph: [Tag.STRING_REF, 0], code: 'BAD_GRAPH', at: 1 },
  { name: 'invalid regular expression', graph: [Tag.REGEXP, ...str('('), ...str('')], code: 'BAD_GRAPH' },
  { name: 'typed array past its buffer', graph: [Tag.TYPED_ARRAY, 7, ...F32_BUFFER, 0, 3], code: 'BAD_GRAPH', at: 1 },
  { name: 'misaligned typed array', graph: [Tag.TYPED_ARRAY, 7, ...F32_BUFFER, 2, 1], code: 'BAD_GRAPH', at: 1 },
  { name: 'unknown typed array kind', graph: [Tag.TYPED_ARRAY, 42, ...F32_BUFFER, 0, 1], code: 'BAD_GRAPH', at: 1 },
  { name: 'typed array over an Array', graph: [Tag.TYPED_ARRAY, 1, Tag.ARRAY, 0, 0, 0], code: 'BAD_GRAPH', at: 1 },
  { name: 'typed array over a Node Buffer', graph: [Tag.TYPED_ARRAY, 1, Tag.NODE_BUFFER, 1, 0, 0, 1], code: 'BAD_GRAPH', at: 1 },
  { name: 'DataView past its buffer', graph: [Tag.DATA_VIEW, ...F32_BUFFER, 4, 5], code: 'BAD_GRAPH', at: 1 },
  { name: 'typed array whose buffer is itself', graph: [Tag.TYPED_ARRAY, 1, Tag.REF, 0, 0, 0], code: 'CONSTRUCTOR_CYCLE', path: '.buffer', at: 3 },
  { name: 'reference to a section that does not exist', graph: [Tag.ARRAY_BUFFER_SECTION, 3], code: 'BAD_SECTION' },
  { name: 'an ArrayBuffer over a tensor section', graph: [Tag.ARRAY_BUFFER_SECTION, 1], code: 'BAD_GRAPH', at: 1, sections: () => [{ kind: 'tensor', data: new Uint8Array(4), dtype: 'float32', shape: [1], device: 'cpu' }] },
  {
    name: 'one bytes section defined as two ArrayBuffers',
    graph: [Tag.ARRAY, 2, Tag.ARRAY_BUFFER_SECTION, 1, Tag.ARRAY_BUFFER_SECTION, 1],
    code: 'BAD_GRAPH',
    path: '[1]',
    at: 5,
    sections: () => bytesSection(),
  },
  { name: 'unregistered class', graph: [Tag.CLASS_FIELDS, ...str('Nope'), 1, 0], code: 'UNKNOWN_CLASS', path: '' },
  { name: 'unregistered function', graph: [Tag.OBJECT, 1, ...str('f'), Tag.FUNCTION, ...str('nope')], code: 'UNKNOWN_CLASS', path: '.f' },
  { name: 'a class saved as fields, registered by constructor', graph: [Tag.CLASS_FIELDS, ...str('C'), 1, 0], code: 'KIND_CHANGED', registry: withConstructor },
  { name: 'a version newer than the registered one', graph: [Tag.CONSTRUCTOR, ...str('C'), 2, Tag.ARRAY, 0], code: 'VERSION_NEWER', registry: withConstructor },
  { name: 'an older version without a migrate hook', graph: [Tag.CONSTRUCTOR, ...str('C'), 0, Tag.ARRAY, 0], code: 'NO_MIGRATION', registry: withConstructor },
  { name: 'constructor arguments that are not an array', graph: [Tag.CONSTRUCTOR, ...str('C'), 1, Tag.NULL], code: 'BAD_GRAPH', path: '.<args>', registry: withConstructor },
  { name: 'constructor arguments that are an object', graph: [Tag.CONSTRUCTOR, ...str('C'), 1, Tag.OBJECT, 0], code: 'BAD_GRAPH', path: '.<args>', registry: withConstructor },
  // A class without setState takes its state's keys as fields: the state must be an object.
  { name: 'a state that is a number, for a class without setState', graph: [Tag.CLASS_STATE, ...str('P'), 1, Tag.INT, 10], code: 'BAD_GRAPH', path: '', registry: withStates },
  { name: 'a state that is null, for a class without setState', graph: [Tag.CLASS_STATE, ...str('P'), 1, Tag.NULL], code: 'BAD_GRAPH', path: '', registry: withStates },
  { name: 'a state that is a function, for a class without setState', graph: [Tag.CLASS_STATE, ...str('P'), 1, Tag.FUNCTION, ...str('f')], code: 'BAD_GRAPH', path: '', registry: withStates },
  { name: 'a state of the current version that is a string, for a class with migrate', graph: [Tag.ARRAY, 1, Tag.CLASS_STATE, ...str('M'), 2, Tag.STRING, 0], code: 'BAD_GRAPH', path: '[0]', registry: withStates },
  {
    name: 'an object reached from its own constructor arguments',
    graph: [Tag.CONSTRUCTOR, ...str('C'), 1, Tag.ARRAY, 1, Tag.REF, 0],
    code: 'CONSTRUCTOR_CYCLE',
    path: '.<args>[0]',
    at: 8,
    registry: withConstructor,
  },
];
