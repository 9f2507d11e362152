import { isDeferredBytes, type DeferredBytes } from '../format/index.js';
import type { EncodeContext } from '../registry/index.js';

/**
 * The key under which a save's encode options carry a {@link TensorPacker}: with it,
 * small tensors share `Bytes` sections ("packs") instead of taking one aligned section
 * each. A symbol, so no user option can collide with it.
 */
export const TENSOR_PACKER = Symbol('reprise.tensorPacker');

/** Tensors of fewer bytes than this are packed (docs/FORMAT.md, "Packs"). */
export const PACKED_TENSOR_LIMIT = 64 * 1024;
/** A pack grows to at most this many bytes; the next small tensor opens a new one. */
export const PACK_LIMIT = 1024 * 1024;
/** Each packed tensor starts at a multiple of this many bytes within its pack. */
export const PACK_ALIGNMENT = 8;
/**
 * The first this-many small tensors of a save keep sections of their own, as before packs
 * existed, so that a checkpoint of a few small tensors is written byte for byte as
 * format version 1; packing pays off only for many.
 */
export const UNPACKED_SMALL_TENSORS = 16;

/** Where a packed tensor's bytes are: the pack's section index and the byte offset in it. */
export interface PackedPlace {
  section: number;
  offset: number;
}

/** The bytes of one pack: its members' bytes at their offsets, zeros between; read when the file is written. */
class PackBytes implements DeferredBytes {
  byteLength = 0;
  readonly #members: Array<{ offset: number; data: Uint8Array | DeferredBytes }> = [];

  /** Appends `data` at the next aligned offset, which it returns. */
  add(data: Uint8Array | DeferredBytes): number {
    const offset = Math.ceil(this.byteLength / PACK_ALIGNMENT) * PACK_ALIGNMENT;
    this.#members.push({ offset, data });
    this.byteLength = offset + data.byteLength;
    return offset;
  }

  /** Whether `bytes` more fit (aligned) within {@link PACK_LIMIT}. */
  fits(bytes: number): boolean {
    return Math.ceil(this.byteLength / PACK_ALIGNMENT) * PACK_ALIGNMENT + bytes <= PACK_LIMIT;
  }

  /** Reads the members synchronously: they are small, and a promise each would cost more than their bytes. */
  async read(): Promise<Uint8Array> {
    return this.readSync();
  }

  readSync(): Uint8Array {
    const out = new Uint8Array(this.byteLength);
    for (const { offset, data } of this.#members) {
      if (!isDeferredBytes(data)) out.set(data, offset);
      else if (data.readInto) data.readInto(out.subarray(offset, offset + data.byteLength));
      else out.set(data.readSync(), offset);
    }
    return out;
  }

  /** The members' own references are the save's `TensorCapture`'s to release. */
  release(): void {}
}

/**
 * Places the small tensors of one save in packs, one open pack per device tag: a tensor
 * of fewer than 64 KiB goes at the next 8-byte aligned offset of its device's pack (a
 * new pack, a `Bytes` section carrying the device tag, when there is none or it would
 * pass 1 MiB), except the first {@link UNPACKED_SMALL_TENSORS} small tensors of the save,
 * which keep sections of their own. Tensors sharing data (`dataId`) share one place.
 * {@link packed} says whether the file needs format version 2.
 */
export class TensorPacker {
  #smallSeen = 0;
  #packed = false;
  readonly #unpacked = new Set<unknown>();
  readonly #placed = new Map<unknown, PackedPlace>();
  readonly #open = new Map<string, { section: number; bytes: PackBytes }>();

  /** True once a tensor was packed. */
  get packed(): boolean {
    return this.#packed;
  }

  /**
   * The place of a tensor's bytes in a pack, or undefined when it is stored in a
   * section of its own (large, among the first small ones, or sharing data with one
   * that is).
   */
  place(ctx: EncodeContext, dataId: unknown, data: Uint8Array | DeferredBytes, device: string): PackedPlace | undefined {
    if (data.byteLength >= PACKED_TENSOR_LIMIT || this.#unpacked.has(dataId)) return undefined;
    const known = this.#placed.get(dataId);
    if (known) return known;
    if (this.#smallSeen < UNPACKED_SMALL_TENSORS) {
      this.#smallSeen++;
      this.#unpacked.add(dataId);
      return undefined;
    }
    let pack = this.#open.get(device);
    if (!pack || !pack.bytes.fits(data.byteLength)) {
      const bytes = new PackBytes();
      pack = { section: ctx.addSection({ kind: 'bytes', data: bytes, device }), bytes };
      this.#open.set(device, pack);
    }
    const place = { section: pack.section, offset: pack.bytes.add(data) };
    this.#placed.set(dataId, place);
    this.#packed = true;
    return place;
  }
}
