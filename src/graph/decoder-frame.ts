import type { ClassEntry } from '../registry/index.js';
import type { PathStep } from './graph-path.js';

/** What stands for an object when inspecting: its tag, and the byte length of an ArrayBuffer. */
export class Checked {
  constructor(
    readonly tag: number,
    readonly byteLength = 0,
  ) {}
}

const CHECKED = new Map<number, Checked>();
/** The shared stand-in of a kind: inspecting keeps no object per definition, only per ArrayBuffer (its length). */
export function checked(tag: number): Checked {
  let c = CHECKED.get(tag);
  if (!c) CHECKED.set(tag, (c = new Checked(tag)));
  return c;
}

/** Frame kinds: one open object definition waiting for its children. */
export const enum F {
  ARRAY,
  /** OBJECT, NULL_PROTO_OBJECT and CLASS_FIELDS: key/value pairs. */
  FIELDS,
  /** Keys and values alternate: `n` is twice the entry count. */
  MAP,
  SET,
  /** TYPED_ARRAY and DATA_VIEW: the buffer value, then two varints read when it is done. */
  VIEW,
  /** ERROR: the stack value, then the cause value. */
  ERROR,
  /** CLASS_STATE, CONSTRUCTOR, CODEC: one inner value. */
  INNER,
}

/** How a FIELDS frame stores a field. */
export const enum Store {
  /** `obj[key] = v`, except `__proto__`, which becomes an own data property. */
  ASSIGN,
  /** Always an own data property (class instances at the current version). */
  DEFINE,
  /** Collected into a null-prototype state for `migrate`/`setState`. */
  STATE,
}

/** One open definition. Frames are reused (a pool as deep as the deepest nesting), so a wide graph allocates none per object. */
export class Frame {
  kind: F = F.ARRAY;
  tag = 0;
  /** The object being filled (a `Checked` when inspecting). */
  target: any = undefined;
  /** Children to read. */
  n = 0;
  /** The object id this definition took. */
  id = 0;
  /** Stream offset of the tag, for errors. */
  at = 0;
  i = 0;
  /** The pending Map key, the key of the field being read, or the name of a CONSTRUCTOR/CODEC. */
  key: unknown = undefined;
  /** The inner value of INNER, the buffer of VIEW. */
  inner: unknown = undefined;
  entry: ClassEntry | undefined = undefined;
  version = 0;
  store: Store = Store.ASSIGN;
  /** The class instance a FIELDS/INNER frame with a state fills. */
  owner: unknown = undefined;
  label: PathStep = '';
  /** A codec value whose codec's `check` runs when it is complete (inspecting). */
  checking = false;

  reset(kind: F, tag: number, target: unknown, n: number, id: number, at: number): this {
    this.kind = kind;
    this.tag = tag;
    this.target = target;
    this.n = n;
    this.id = id;
    this.at = at;
    this.i = 0;
    this.key = undefined;
    this.inner = undefined;
    this.entry = undefined;
    this.version = 0;
    this.store = Store.ASSIGN;
    this.owner = undefined;
    this.label = '';
    this.checking = false;
    return this;
  }
}
