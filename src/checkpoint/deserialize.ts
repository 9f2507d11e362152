import { CheckpointError, CheckpointFormatError } from '../errors.js';
import { openContainer, readContainer, type ByteSource, type HeaderInfo, type OpenedContainer, type ReadContainer } from '../format/index.js';
import { decodeGraph, type DecodeStats } from '../graph/index.js';
import { defaultRegistry, type SectionView } from '../registry/index.js';
import '../tensor/index.js';
import { recordedBackend } from '../tensor/backend.js';
import { releaseResidentSections, residentSectionView, tensorSectionAllocator, type TensorSectionTarget } from '../tensor/section-target.js';
import type { DeserializeOptions } from './options.js';
import { emitWarning } from '../platform.js';

let warnedBackends = new Set<string>();

/**
 * Rebuilds the value of an opened container (bytes in memory) or of one read section by
 * section (`readContainer` with the tensor layer's allocator). Shared by `deserialize`
 * and `load`.
 */
export function decodeContainer(container: OpenedContainer | ReadContainer<TensorSectionTarget>, options: DeserializeOptions = {}): { value: unknown; stats: DecodeStats } {
  const { registry = defaultRegistry, uniqueObjects, maxDepth, verifyChecksums: _v, onBackendMismatch = 'warn', ...codecOptions } = options;
  checkBackend(container.header.backend, container.header.sections.some((s) => s.kind === 'tensor'), onBackendMismatch);
  const { sections } = container.header;
  return decodeGraph(container.graph, {
    registry,
    uniqueObjects,
    maxDepth,
    options: codecOptions,
    fileOffset: sections[0]!.offset,
    section(index: number): SectionView {
      if ('targets' in container) {
        const view = residentSectionView(container, index);
        if (view) return view;
        throw new CheckpointFormatError('BAD_SECTION', `section ${index} does not exist (the file has ${sections.length - 1} data sections)`);
      }
      const data = container.section(index);
      const info = sections[index]!;
      return { kind: info.kind as SectionView['kind'], data, dtype: info.dtype, shape: info.shape, device: info.device };
    },
  });
}

function checkBackend(saved: string, hasTensors: boolean, policy: 'warn' | 'ignore' | 'error'): void {
  const current = recordedBackend();
  if (!hasTensors || !saved || !current || saved === current || policy === 'ignore') return;
  const message = `checkpoint saved on the "${saved}" backend is loaded on "${current}": floats differ between backends, so the run will not be bit-identical to one that never stopped`;
  if (policy === 'error') throw new CheckpointError('BACKEND_MISMATCH', `${message}; force the same backend with REPRISE_BACKEND=${saved}`);
  const key = `${saved}->${current}`;
  if (!warnedBackends.has(key)) {
    warnedBackends.add(key);
    emitWarning(message, 'REPRISE_BACKEND_MISMATCH');
  }
}

/** For tests: forget which backend mismatches were already warned about. */
export function resetBackendWarnings(): void {
  warnedBackends = new Set();
}

/**
 * Rebuilds the value stored by {@link serialize}. Verifies the preamble, header and
 * every section checksum before reading them; runs no code the file names except
 * classes, codecs and functions registered by this process.
 *
 * @throws CheckpointFormatError (or its subclass UnsupportedVersionError) for bytes that
 *   are truncated, corrupted, hostile or from a newer format; UnknownClassError for a
 *   class this process has not registered; DeviceMappingError for a device tag that
 *   cannot be served without `mapLocation`.
 */
export function deserialize(bytes: Uint8Array, options: DeserializeOptions = {}): unknown {
  return decodeContainer(openContainer(bytes, { verifyChecksums: options.verifyChecksums }), options).value;
}

/**
 * Reads a checkpoint from `source` section by section — each tensor's bytes straight
 * into the memory the tensor keeps (see `readContainer` and the tensor layer's
 * `tensorSectionAllocator`), checksummed as they arrive — and rebuilds its value. Peak
 * memory is the loaded value plus a bounded read buffer. Throws what {@link deserialize}
 * throws; on any failure the sections read so far are freed. `onHeader` sees the verified
 * header before any section is allocated (see `readContainer`); its rejection stops the load.
 */
export async function decodeFromSource(
  source: ByteSource,
  options: DeserializeOptions = {},
  onHeader?: (header: HeaderInfo) => void | Promise<void>,
): Promise<{ value: unknown; stats: DecodeStats; header: HeaderInfo }> {
  const container = await readContainer(source, { verifyChecksums: options.verifyChecksums, allocate: tensorSectionAllocator(), onHeader });
  try {
    return { ...decodeContainer(container, options), header: container.header };
  } finally {
    releaseResidentSections(container);
  }
}
