import type { Registry, SectionView } from '../registry/index.js';
import { GraphDecoder } from './graph-decoder.js';

export interface DecodeGraphOptions {
  registry: Registry;
  /** Returns section `index` (1-based; 0 is the graph), checksum verified. */
  section(index: number): SectionView;
  /** Passed to codecs as `ctx.options`. */
  options?: Readonly<Record<string, unknown>>;
  /** Live objects to reuse instead of rebuilding equal de-duplicated ones. */
  uniqueObjects?: unknown;
  /** Offset of the graph stream in the file, for error messages. */
  fileOffset?: number;
  /**
   * Deepest nesting of object definitions accepted before `DEPTH_LIMIT`. Default: no
   * limit. The walk is iterative, so depth costs one small frame per level and every
   * level takes at least two bytes of the stream: memory stays proportional to the file.
   */
  maxDepth?: number;
}

/** Options of {@link inspectGraph}: what {@link DecodeGraphOptions} needs, minus what only building needs. */
export interface InspectGraphOptions {
  /** Returns section `index`, checksum verified; section references are resolved and checked through it. */
  section(index: number): SectionView;
  /**
   * When given, every class, codec and function name is checked against it (registered,
   * same kind, version not newer, a `migrate` hook for an older one) as loading would,
   * without running any of its code. Without it names are only recorded.
   */
  registry?: Registry;
  /**
   * Codecs whose `check` runs on the stored values of their name when there is no
   * `registry` (the command line passes the tensor layer's codecs, which it knows,
   * while it lists user classes without checking them). A name found here is checked
   * (kind, version) as loading with it registered would. Ignored when `registry` is given:
   * then the registry's own codecs' checks run.
   */
  checks?: Registry;
  /** Passed to codecs' `check` as `ctx.options`, as loading passes its options to `decode` (e.g. `mapLocation`). Default: none. */
  options?: Readonly<Record<string, unknown>>;
  fileOffset?: number;
  maxDepth?: number;
}

export interface DecodeStats {
  /** De-duplicated objects taken from `uniqueObjects` instead of being rebuilt. */
  reused: number;
  /** De-duplicated objects rebuilt by their constructor (no equal live one was given). */
  rebuilt: number;
}

/** What a graph stream holds, found by {@link inspectGraph} without building any value or running any code. */
export interface GraphSummary {
  /** Object definitions by kind (`Array`, `Object`, `Map`, …); classes and codecs are counted in `classes`. */
  objects: Record<string, number>;
  /** Class, constructor and codec names with their stored versions (`name@version`). */
  classes: Record<string, number>;
  functions: string[];
  strings: number;
  references: number;
  /** `Bytes` sections the stream refers to (tensor sections are referred to inside codec values). */
  sectionRefs: number[];
}

/**
 * Rebuilds a value from the graph stream. Inverse of {@link encodeGraph}.
 * Never runs code the file names except constructors, codecs, hooks and functions
 * registered in `options.registry` by this process. Iterative: depth costs memory,
 * never stack.
 * @throws CheckpointFormatError for malformed streams, UnknownClassError for names not
 *   registered here, MigrationError for versions that cannot be migrated.
 */
export function decodeGraph(bytes: Uint8Array, options: DecodeGraphOptions): { value: unknown; stats: DecodeStats } {
  const dec = new GraphDecoder(bytes, options, options);
  const value = dec.run();
  return { value, stats: dec.stats };
}

/**
 * Reads a graph stream exactly as {@link decodeGraph} does — the same grammar, the same
 * checks, the same error codes and paths — but builds no values and runs no code but
 * codecs' `check` hooks: the basis of `reprise inspect` and `verify`. A codec value is
 * built as plain data (arrays, objects, Maps, Sets) and handed to its codec's `check`,
 * which refuses what `decode` would refuse (the tensor layer's `check`s decode models and
 * optimizers and discard them). What it cannot know without running user code (a
 * constructor's own checks, a `migrate` or `setState` that throws) only loading finds.
 * @throws CheckpointFormatError for a malformed stream; with a `registry`, also
 *   UnknownClassError and MigrationError as `decodeGraph` would.
 */
export function inspectGraph(bytes: Uint8Array, options: InspectGraphOptions): GraphSummary {
  const dec = new GraphDecoder(bytes, options);
  dec.run();
  return dec.summary;
}
