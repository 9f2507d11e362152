export { MAGIC, FORMAT_VERSION, PREAMBLE_SIZE, SECTION_ALIGNMENT } from './constants.js';
export { DTYPE_SIZES, MAX_RANK, TENSOR_DTYPES, VARIABLE_WIDTH_DTYPES } from './sections.js';
export type { SectionKind, SectionKindName, SectionPayload, SectionView, TensorDtype } from './sections.js';
export { crc32c } from './checksum.js';
export { packContainer, concatChunks, openContainer } from './container.js';
export type { ContainerInput, OpenedContainer, OpenOptions, PackedContainer } from './container.js';
export { encodeHeader, decodeHeader } from './header.js';
export type { HeaderInfo, SectionInfo } from './header.js';
export { writeAtomically, writeAtomicallySync, writevAllSync } from './atomic-write.js';
