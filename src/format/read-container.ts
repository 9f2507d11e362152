import { allocOwnBytes } from '../platform.js';
import { CheckpointFormatError } from '../errors.js';
import type { ByteSource } from './byte-source.js';
import { crc32c } from './checksum.js';
import { PREAMBLE_SIZE } from './constants.js';
import { checkHeader, checkPreamble, checkSectionCrc } from './container.js';
import type { HeaderInfo, SectionInfo } from './header.js';

/**
 * Where one section's bytes go as they are read: either host memory the reader fills
 * directly (`memory`, exactly the section's length, never moved), or a `write` that
 * copies each piece elsewhere (a tensor backend's own memory). Made by a
 * {@link SectionAllocator}.
 */
export interface SectionTarget {
  /** Stable host memory of the section's length, filled in place. */
  readonly memory?: Uint8Array;
  /** Receives the section's bytes in order, `at` bytes from its start, when there is no `memory`. */
  write?(bytes: Uint8Array, at: number): void;
  /** Frees what the target holds; called for every target when the read fails. */
  discard?(): void;
}

/** Makes the target of section `index` (never 0, the graph stream, which stays in host memory). */
export type SectionAllocator<T extends SectionTarget> = (info: SectionInfo, index: number) => T;

export interface ReadContainerOptions<T extends SectionTarget> {
  /** Verify every section's CRC-32C as its bytes arrive. Default true. */
  verifyChecksums?: boolean;
  /** Where each data section goes. Default: host memory of its own ({@link hostSectionTarget}). */
  allocate?: SectionAllocator<T>;
  /**
   * Called with the verified header before any section is allocated or read; a
   * rejection stops the read with nothing allocated (for example to refuse a file by its
   * metadata without reading its sections).
   */
  onHeader?: (header: HeaderInfo) => void | Promise<void>;
}

/** A checkpoint read through a {@link ByteSource}: header, graph stream, and each section in its target. */
export interface ReadContainer<T extends SectionTarget> {
  header: HeaderInfo;
  /** The graph stream (section 0), in host memory of its own. */
  graph: Uint8Array;
  /** `targets[i]` holds section `i` (`targets[0]` is the graph's). */
  targets: T[];
}

/** No single read asks for more than this many bytes (large sections are read straight into their memory in such pieces). */
export const READ_CHUNK = 4 * 1024 * 1024;
/** Small sections and padding go through two staging buffers of this size: the bounded read buffer of a load. */
export const STAGING_CHUNK = 1024 * 1024;
/** Sections with host memory of at least this size are read into it directly, not through the staging buffers. */
export const DIRECT_MIN = 256 * 1024;

/**
 * A section in host memory of its own (a tensor keeping it keeps nothing else of the
 * file). Not zero-filled first: every byte is read into it before anyone sees it, and a
 * failed read discards it.
 */
export function hostSectionTarget(info: SectionInfo): SectionTarget {
  return { memory: allocOwnBytes(info.length) };
}

interface Segment {
  from: number;
  to: number;
  /** Section index, or -1 for padding. */
  section: number;
}

/**
 * Reads a checkpoint from `source` section by section, each straight into the target
 * `allocate` makes for it, verifying each section's CRC-32C as its bytes arrive and
 * every padding byte as zero, so that a load's memory is what its sections end up in
 * plus a bounded read buffer (two {@link STAGING_CHUNK} buffers), never the whole file
 * again. Reads overlap with checksumming and copying (one piece is read while the
 * previous one is checked). Refuses every file {@link openContainer} refuses, with the
 * same codes, and checks everything in the preamble and header before allocating a
 * target; on any failure every target made is discarded before the error is thrown.
 * Inverse: `packContainer`.
 *
 * @throws CheckpointFormatError (codes as {@link openContainer}'s) or UnsupportedVersionError.
 */
export async function readContainer<T extends SectionTarget = SectionTarget>(
  source: ByteSource,
  options: ReadContainerOptions<T> = {},
): Promise<ReadContainer<T>> {
  const size = source.size;
  const preamble = new Uint8Array(Math.min(PREAMBLE_SIZE, size));
  await source.read(preamble, 0);
  const { headerLength, headerCrc, version } = checkPreamble(preamble, size);
  const headerBytes = new Uint8Array(headerLength);
  await source.read(headerBytes, PREAMBLE_SIZE);
  const header = checkHeader(headerBytes, headerCrc, size, version);
  await options.onHeader?.(header);
  const verify = options.verifyChecksums ?? true;
  const allocate = options.allocate ?? (hostSectionTarget as unknown as SectionAllocator<T>);

  const { sections } = header;
  const targets: T[] = [];
  try {
    targets.push(hostSectionTarget(sections[0]!) as T);
    for (let i = 1; i < sections.length; i++) targets.push(allocate(sections[i]!, i));
    const reader = new SectionReader(source, sections, targets, verify, Math.min(STAGING_CHUNK, size));
    await reader.run(PREAMBLE_SIZE + headerLength);
  } catch (err) {
    for (const t of targets) t.discard?.();
    throw err;
  }
  return { header, graph: targets[0]!.memory!, targets };
}

class SectionReader<T extends SectionTarget> {
  readonly #crcs: number[];
  #staging: [Uint8Array, Uint8Array] | undefined;

  readonly #source: ByteSource;
  readonly #sections: readonly SectionInfo[];
  readonly #targets: readonly T[];
  readonly #verify: boolean;
  readonly #stagingSize: number;

  constructor(source: ByteSource, sections: readonly SectionInfo[], targets: readonly T[], verify: boolean, stagingSize: number) {
    this.#source = source;
    this.#sections = sections;
    this.#targets = targets;
    this.#verify = verify;
    this.#stagingSize = stagingSize;
    this.#crcs = sections.map(() => 0);
  }

  async run(dataStart: number): Promise<void> {
    const segments: Segment[] = [];
    let end = dataStart;
    this.#sections.forEach((s, i) => {
      if (s.offset > end) segments.push({ from: end, to: s.offset, section: -1 });
      if (s.length > 0) segments.push({ from: s.offset, to: s.offset + s.length, section: i });
      else this.#finish(i);
      end = s.offset + s.length;
    });
    let k = 0;
    while (k < segments.length) {
      if (this.#isDirect(segments[k]!)) {
        await this.#readDirect(segments[k]!);
        k++;
        continue;
      }
      let j = k;
      while (j < segments.length && !this.#isDirect(segments[j]!)) j++;
      await this.#stream(segments.slice(k, j));
      k = j;
    }
  }

  #isDirect(seg: Segment): boolean {
    return seg.section >= 0 && this.#targets[seg.section]!.memory !== undefined && seg.to - seg.from >= DIRECT_MIN;
  }

  /** Reads a section into its own memory, piece by piece, checksumming each piece while the next is read. */
  async #readDirect(seg: Segment): Promise<void> {
    const memory = this.#targets[seg.section]!.memory!;
    const length = seg.to - seg.from;
    const piece = (at: number) => memory.subarray(at, Math.min(at + READ_CHUNK, length));
    let at = 0;
    let pending: Promise<void> | undefined = this.#source.read(piece(0), seg.from);
    try {
      while (at < length) {
        await pending;
        pending = undefined;
        const current = piece(at);
        const next = at + current.byteLength;
        if (next < length) pending = this.#source.read(piece(next), seg.from + next);
        if (this.#verify) this.#crcs[seg.section] = crc32c(current, this.#crcs[seg.section]);
        at = next;
      }
    } finally {
      await settle(pending);
    }
    this.#finish(seg.section);
  }

  /** Reads consecutive small segments through the two staging buffers, dispatching each piece. */
  async #stream(segments: Segment[]): Promise<void> {
    const from = segments[0]!.from;
    const to = segments[segments.length - 1]!.to;
    const staging = (this.#staging ??= [new Uint8Array(this.#stagingSize), new Uint8Array(this.#stagingSize)]);
    const piece = (which: number, at: number) => staging[which]!.subarray(0, Math.min(this.#stagingSize, to - at));
    let which = 0;
    let at = from;
    let cursor = 0;
    let pending: Promise<void> | undefined = this.#source.read(piece(which, at), at);
    try {
      while (at < to) {
        await pending;
        pending = undefined;
        const current = piece(which, at);
        const next = at + current.byteLength;
        if (next < to) pending = this.#source.read(piece(1 - which, next), next);
        cursor = this.#dispatch(segments, cursor, current, at);
        which = 1 - which;
        at = next;
      }
    } finally {
      await settle(pending);
    }
  }

  /** Hands the bytes `[at, at + bytes.length)` to the segments they cover; returns the first segment not yet complete. */
  #dispatch(segments: Segment[], cursor: number, bytes: Uint8Array, at: number): number {
    const end = at + bytes.byteLength;
    while (cursor < segments.length && segments[cursor]!.from < end) {
      const seg = segments[cursor]!;
      const lo = Math.max(seg.from, at);
      const hi = Math.min(seg.to, end);
      const part = bytes.subarray(lo - at, hi - at);
      if (seg.section < 0) {
        for (let i = 0; i < part.length; i++) {
          if (part[i] !== 0) throw new CheckpointFormatError('BAD_PADDING', `padding byte is ${part[i]}, expected 0`, { offset: lo + i });
        }
      } else {
        const target = this.#targets[seg.section]!;
        if (this.#verify) this.#crcs[seg.section] = crc32c(part, this.#crcs[seg.section]);
        if (target.memory) target.memory.set(part, lo - seg.from);
        else target.write!(part, lo - seg.from);
      }
      if (hi < seg.to) break;
      if (seg.section >= 0) this.#finish(seg.section);
      cursor++;
    }
    return cursor;
  }

  /** All of section `i`'s bytes have arrived: check its checksum. */
  #finish(i: number): void {
    if (this.#verify) checkSectionCrc(this.#sections[i]!, i, this.#crcs[i]!);
  }
}

/** Waits for a read still in flight (so no read writes into a target after it is discarded), ignoring its outcome. */
async function settle(pending: Promise<void> | undefined): Promise<void> {
  if (pending) await pending.catch(() => undefined);
}
