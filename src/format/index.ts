export { MAGIC, FORMAT_VERSION, PREAMBLE_SIZE, SECTION_ALIGNMENT, DTYPE_SIZES } from './constants.js';
export { crc32c } from './checksum.js';
export { packContainer, concatChunks, openContainer } from './container.js';
export type { ContainerInput, OpenedContainer, OpenOptions, PackedContainer, SectionPayload } from './container.js';
export { encodeHeader, decodeHeader } from './header.js';
export type { HeaderInfo, SectionInfo, SectionKindName } from './header.js';
export { writeAtomically, writeAtomicallySync, writevAllSync } from './atomic-write.js';
