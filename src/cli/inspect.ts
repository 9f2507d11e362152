import { CheckpointError } from '../errors.js';
import { openContainer, PREAMBLE_SIZE, type HeaderInfo } from '../format/index.js';
import { inspectGraph, type GraphSummary } from '../graph/index.js';
import { Registry, type SectionView } from '../registry/index.js';
import { registerTensorCodecs } from '../tensor/register.js';
import type { MapLocation } from '../tensor/map-location.js';

/** Everything `reprise inspect` reports about a file, found without running any of its code. */
export interface FileReport {
  bytes: number;
  formatVersion: number;
  writer: string;
  backend: string;
  metadata: Record<string, string>;
  sections: Array<{ index: number; kind: string; offset: number; length: number; crc32c: string; dtype?: string; shape?: number[]; device?: string }>;
  graph: GraphSummary;
  tensorBytes: number;
}

export interface InspectOptions {
  /**
   * Check class, codec and function names against this registry as loading would
   * (registered, same kind, version, migrate hook), running none of their code. Default:
   * none — names are only listed, since the command line knows no user classes.
   */
  registry?: Registry;
  /** Deepest nesting accepted, as `load`'s `maxDepth`. Default: no limit. */
  maxDepth?: number;
  /**
   * Where tensors and `Device`s would go, as `load`'s `mapLocation`: a device tag this
   * process cannot serve is refused as loading refuses it (`DEVICE_MAPPING`) unless it
   * maps it. Default: none.
   */
  mapLocation?: MapLocation;
}

let builtinCodecs: Registry | undefined;
/** The tensor layer's codecs in a registry of their own: without a `registry`, their `check`s still run on their values. */
function tensorCodecs(): Registry {
  if (!builtinCodecs) registerTensorCodecs((builtinCodecs = new Registry()));
  return builtinCodecs;
}

/**
 * Verifies a checkpoint (preamble, header, every checksum, the graph stream) and
 * describes it, running no code the file names. The graph stream is read by the
 * decoder itself, in its non-building mode (`inspectGraph`), and every value of a codec
 * with a `check` hook (tensors, Variables, Devices, models, optimizers: always, even
 * without a `registry`) is checked as its `decode` would: device tags against
 * `mapLocation` as load does, and models and optimizers built by their own `decode` and
 * discarded (`buildAndDiscard`: nothing is left behind, memory bounded by the file; this
 * needs a tfjs backend, as load does). So a file `load` refuses fails here with the same
 * code and path. Not checked: user code that only loading runs (a constructor, a
 * `migrate` or `setState` that throws; with no `registry`, user classes at all).
 * @throws CheckpointFormatError for a broken file (UnknownClassError, MigrationError
 *   too when a `registry` is given).
 */
export function inspectBytes(bytes: Uint8Array, options: InspectOptions = {}): FileReport {
  const container = openContainer(bytes);
  const header: HeaderInfo = container.header;
  const graph = inspectGraph(container.graph, {
    registry: options.registry,
    checks: tensorCodecs(),
    maxDepth: options.maxDepth,
    options: options.mapLocation === undefined ? {} : { mapLocation: options.mapLocation },
    fileOffset: header.sections[0]!.offset,
    section(index: number): SectionView {
      const data = container.section(index);
      const info = header.sections[index]!;
      return { kind: info.kind as SectionView['kind'], data, dtype: info.dtype, shape: info.shape, device: info.device };
    },
  });
  return {
    bytes: bytes.byteLength,
    formatVersion: header.formatVersion,
    writer: header.writer,
    backend: header.backend,
    metadata: { ...header.metadata },
    sections: header.sections.map((s, index) => ({
      index,
      kind: s.kind,
      offset: s.offset,
      length: s.length,
      crc32c: s.crc32c.toString(16).padStart(8, '0'),
      ...(s.kind === 'tensor' ? { dtype: s.dtype, shape: s.shape, device: s.device } : isPack(s) ? { device: s.device } : {}),
    })),
    graph,
    tensorBytes: header.sections.filter((s) => s.kind === 'tensor' || isPack(s)).reduce((n, s) => n + s.length, 0),
  };
}

/** A `Bytes` section with a device tag holds packed small tensors (docs/FORMAT.md, "Packs"). */
function isPack(s: { kind: string; device?: string }): boolean {
  return s.kind === 'bytes' && !!s.device;
}

function human(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) (n /= 1024), i++;
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** The human-readable form of a {@link FileReport}. `maxSections` limits the section table. */
export function formatReport(file: string, r: FileReport, maxSections = 40): string {
  const lines = [
    `${file}: reprise checkpoint, format ${r.formatVersion}, ${human(r.bytes)} (${r.bytes} bytes), header at ${PREAMBLE_SIZE}`,
    `  written by ${r.writer || '?'} on the "${r.backend || 'none'}" backend`,
  ];
  for (const [k, v] of Object.entries(r.metadata)) lines.push(`  ${k}: ${v}`);
  const tensors = r.sections.filter((s) => s.kind === 'tensor');
  lines.push(`  sections: ${r.sections.length} (graph ${human(r.sections[0]!.length)}, ${tensors.length} tensors ${human(r.tensorBytes)}, ${r.sections.length - 1 - tensors.length} byte blobs); all checksums verified`);
  for (const s of r.sections.slice(0, maxSections)) {
    const what = s.kind === 'tensor' ? `${s.dtype}[${s.shape!.join(', ')}] on ${s.device || '?'}` : isPack(s) ? `pack of small tensors on ${s.device}` : s.kind;
    lines.push(`    #${String(s.index).padEnd(4)} ${what.padEnd(36)} ${human(s.length).padStart(10)} @${s.offset} crc32c ${s.crc32c}`);
  }
  if (r.sections.length > maxSections) lines.push(`    … ${r.sections.length - maxSections} more (use --json)`);
  const g = r.graph;
  lines.push(`  graph: ${Object.values(g.objects).reduce((a, b) => a + b, 0) + Object.values(g.classes).reduce((a, b) => a + b, 0)} objects, ${g.references} shared references, ${g.strings} distinct strings`);
  const classes = Object.entries(g.classes).sort((a, b) => b[1] - a[1]);
  if (classes.length) lines.push(`  registered classes and codecs (name@version × count):`, ...classes.map(([k, v]) => `    ${k} × ${v}`));
  if (g.functions.length) lines.push(`  functions: ${[...new Set(g.functions)].join(', ')}`);
  return lines.join('\n');
}

/** One line for an error: `Name [CODE]: message` for a CheckpointError, the message otherwise (never a stack; tfjs' multi-line messages joined). */
export function describeError(err: unknown): string {
  const code = (err as { code?: unknown })?.code;
  const line =
    err instanceof CheckpointError
      ? `${err.name} [${err.code}]: ${err.message}`
      : `${typeof code === 'string' ? `[${code}] ` : ''}${String((err as Error)?.message ?? err)}`;
  return line.replace(/\s*\n\s*/g, ' ');
}
