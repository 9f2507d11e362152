import type { ClassEntry } from '../registry/index.js';
import type { PathStep } from './graph-path.js';

/** What stands for an object when inspecting: its tag, the byte length of an ArrayBuffer, the name of a codec value or function. */
export class Checked {
  constructor(
    readonly tag: number,
    readonly byteLength = 0,
    readonly name?: string,
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

/**
 * What only class, constructor and codec frames need. One per such open frame, reused
 * through a pool, so the plain containers and views that make up almost every level of
 * a deep graph carry none (each of these frames takes at least four bytes of the stream).
 */
export class FrameExtra {
  entry: ClassEntry | undefined = undefined;
  version = 0;
  /** The class instance a FIELDS/INNER frame with a state fills. */
  owner: unknown = undefined;
  /** The path step of the inner value (`<args>`, `<state>`); a codec's, `<name>`, is made from `name` when asked for. */
  label: PathStep | undefined = undefined;
  /** The name of a CONSTRUCTOR/CODEC. */
  name = '';
  /** A codec value whose codec's `check` runs when it is complete (inspecting). */
  checking = false;
}

/** Levels per chunk: the stack grows a chunk at a time, so deepening never copies what it holds. */
const CHUNK_BITS = 12;
const CHUNK = 1 << CHUNK_BITS;
const MASK = CHUNK - 1;

/** One chunk of levels: every field of a frame in an array of its own. */
class Chunk {
  readonly kind = new Uint8Array(CHUNK);
  readonly tag = new Uint8Array(CHUNK);
  readonly store = new Uint8Array(CHUNK);
  /** Children to read (at most the stream's length: counts are checked against the bytes left). */
  readonly n = new Uint32Array(CHUNK);
  /** The child being read (or the next one). */
  readonly i = new Uint32Array(CHUNK);
  /** The object id the definition took. */
  readonly id = new Uint32Array(CHUNK);
  /** Stream offset of the tag, for errors. */
  readonly at = new Uint32Array(CHUNK);
  /** The object being filled (a `Checked` when inspecting), or a VIEW's typed array kind code. */
  readonly target: unknown[] = new Array<unknown>(CHUNK).fill(undefined);
  /** The key of the field being read, the pending Map key, or the inner value of VIEW/INNER. */
  readonly aux: unknown[] = new Array<unknown>(CHUNK).fill(undefined);
  readonly extra: (FrameExtra | undefined)[] = new Array<FrameExtra | undefined>(CHUNK).fill(undefined);
}

/**
 * The decoder's stack of open definitions as parallel arrays, in chunks of 4,096 levels:
 * kind, tag, store mode, child count and index, object id and offset in typed arrays,
 * the object being filled and one auxiliary value (a field's key, a Map key, an inner
 * value) in plain arrays. A level costs about 45 bytes and no object of its own,
 * whatever the depth, and growing never copies. The graph path is not kept as a list of
 * steps: {@link stepAt} derives each level's step from its frame when an error (or a
 * codec) asks for the path.
 */
export class FrameStack {
  depth = 0;
  /** Whether the top frame's current child is being read, so that its step is part of the path. */
  childOpen = false;
  readonly #chunks: Chunk[] = [];
  readonly #extraPool: FrameExtra[] = [];

  #c(d: number): Chunk {
    return this.#chunks[d >>> CHUNK_BITS]!;
  }

  /** Opens a frame and returns its level. */
  push(kind: F, tag: number, target: unknown, n: number, id: number, at: number): number {
    const d = this.depth;
    if (d >>> CHUNK_BITS === this.#chunks.length) this.#chunks.push(new Chunk());
    const c = this.#c(d);
    const j = d & MASK;
    this.depth = d + 1;
    c.kind[j] = kind;
    c.tag[j] = tag;
    c.store[j] = Store.ASSIGN;
    c.n[j] = n;
    c.i[j] = 0;
    c.id[j] = id;
    c.at[j] = at;
    c.target[j] = target;
    c.aux[j] = undefined;
    c.extra[j] = undefined;
    this.childOpen = false;
    return d;
  }

  /** Gives level `d` its extra fields, from the pool. */
  addExtra(d: number): FrameExtra {
    const x = this.#extraPool.pop() ?? new FrameExtra();
    x.entry = undefined;
    x.version = 0;
    x.owner = undefined;
    x.label = undefined;
    x.name = '';
    x.checking = false;
    this.#c(d).extra[d & MASK] = x;
    return x;
  }

  /** Closes the top frame: its parent's child (this frame) is now the one being read. Returns its level, readable until {@link release}. */
  pop(): number {
    const d = --this.depth;
    this.childOpen = d > 0;
    return d;
  }

  /** Drops the references a closed frame at level `d` held. */
  release(d: number): void {
    const c = this.#c(d);
    const j = d & MASK;
    c.target[j] = undefined;
    c.aux[j] = undefined;
    const x = c.extra[j];
    if (x) {
      x.entry = undefined;
      x.owner = undefined;
      this.#extraPool.push(x);
      c.extra[j] = undefined;
    }
  }

  kind(d: number): F {
    return this.#c(d).kind[d & MASK] as F;
  }
  tag(d: number): number {
    return this.#c(d).tag[d & MASK]!;
  }
  store(d: number): Store {
    return this.#c(d).store[d & MASK] as Store;
  }
  setStore(d: number, store: Store): void {
    this.#c(d).store[d & MASK] = store;
  }
  /** Whether level `d` has a child left to read. */
  more(d: number): boolean {
    const c = this.#c(d);
    return c.i[d & MASK]! < c.n[d & MASK]!;
  }
  /** The index of the child being read at level `d`. */
  index(d: number): number {
    return this.#c(d).i[d & MASK]!;
  }
  /** Moves level `d` past its current child; returns that child's index. */
  advance(d: number): number {
    const c = this.#c(d);
    return c.i[d & MASK]++;
  }
  id(d: number): number {
    return this.#c(d).id[d & MASK]!;
  }
  at(d: number): number {
    return this.#c(d).at[d & MASK]!;
  }
  target(d: number): any {
    return this.#c(d).target[d & MASK];
  }
  aux(d: number): unknown {
    return this.#c(d).aux[d & MASK];
  }
  setAux(d: number, v: unknown): void {
    this.#c(d).aux[d & MASK] = v;
  }
  extra(d: number): FrameExtra {
    return this.#c(d).extra[d & MASK]!;
  }

  /** The number of path steps: one per level, but the top's only while its child is being read. */
  steps(): number {
    return this.depth === 0 ? 0 : this.childOpen ? this.depth : this.depth - 1;
  }

  /** The path step of level `d` to the child it is reading. */
  stepAt(d: number): PathStep {
    const i = this.index(d);
    switch (this.kind(d)) {
      case F.ARRAY:
        return i;
      case F.FIELDS:
        return this.aux(d) as string;
      case F.MAP:
        return i % 2 === 0 ? { mapEntryKey: i / 2 } : { mapKey: this.aux(d) };
      case F.SET:
        return { setItem: i };
      case F.ERROR:
        return i === 0 ? 'stack' : 'cause';
      case F.VIEW:
        return BUFFER;
      default: {
        const x = this.extra(d);
        return x.label ?? { label: `<${x.name}>` };
      }
    }
  }
}

const BUFFER: PathStep = { label: 'buffer' };
