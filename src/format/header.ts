import { CheckpointFormatError } from '../errors.js';
import { FORMAT_VERSION } from './constants.js';
import { dtypeSize, VARIABLE_WIDTH_DTYPES } from './sections.js';
import type { HeaderInfo } from './header-layout.js';

export type { HeaderInfo, SectionInfo } from './header-layout.js';
export type { SectionKindName } from './sections.js';
/**
 * `encodeHeader` / `decodeHeader` (inverses; decode verifies the FlatBuffers structure and
 * throws `CheckpointFormatError` `BAD_HEADER` naming the byte) and the in-place patches of
 * section offsets and CRCs. package.json `imports` maps `#header-codec` to flatc's
 * generated code in Node (./header-flatbuffers.ts) and to ./header-compact.ts, the same
 * bytes without the `flatbuffers` runtime, in browser builds.
 */
export { encodeHeader, decodeHeader, patchSectionOffsets, patchSectionCrcs } from '#header-codec';

/**
 * Checks that the sections are in order, aligned, inside `[dataStart, fileLength)`,
 * that section 0 is the only graph section, and that a tensor's length matches its
 * dtype and shape.
 * @throws CheckpointFormatError naming the section.
 */
export function validateSections(header: HeaderInfo, dataStart: number, fileLength: number, alignment: number): void {
  const { sections } = header;
  if (!Number.isInteger(header.formatVersion) || header.formatVersion < 1 || header.formatVersion > FORMAT_VERSION) {
    throw new CheckpointFormatError('BAD_HEADER', `header says format version ${header.formatVersion}; this reader knows 1 to ${FORMAT_VERSION}`);
  }
  if (sections.length === 0 || sections[0]!.kind !== 'graph') {
    throw new CheckpointFormatError('BAD_HEADER', 'section 0 must be the graph stream');
  }
  let end = dataStart;
  sections.forEach((s, i) => {
    const fail = (what: string): never => {
      throw new CheckpointFormatError('BAD_SECTION', `section ${i} (${s.kind}) ${what}`, { offset: s.offset });
    };
    if (i > 0 && s.kind === 'graph') fail('is a second graph section');
    if (s.offset % alignment !== 0) fail(`offset ${s.offset} is not a multiple of ${alignment}`);
    if (s.offset < end) fail(`starts at ${s.offset}, inside the header or the previous section (ending at ${end})`);
    if (s.offset + s.length > fileLength) fail(`ends at ${s.offset + s.length}, past the end of the file (${fileLength} bytes)`);
    end = s.offset + s.length;
    if (s.kind !== 'tensor') return;
    const size = dtypeSize(s.dtype);
    if (size === undefined) {
      if (!VARIABLE_WIDTH_DTYPES.has(s.dtype)) fail(`has unknown dtype "${s.dtype}"`);
      return;
    }
    let elements = 1;
    for (const d of s.shape) elements *= d;
    if (!Number.isSafeInteger(elements) || elements * size !== s.length) {
      fail(`holds ${s.length} bytes, but a ${s.dtype} tensor of shape [${s.shape.join(', ')}] needs ${elements * size}`);
    }
  });
}
