/** First 8 bytes of every checkpoint: 0x89 then "REPRISE" (the high byte catches 7-bit transfers). */
export const MAGIC = Uint8Array.of(0x89, 0x52, 0x45, 0x50, 0x52, 0x49, 0x53, 0x45);
/**
 * The newest format version this code reads and writes: 2, written only for files that
 * hold packed tensors (docs/FORMAT.md, "Packs"); every other file is written as
 * {@link BASE_FORMAT_VERSION}, byte for byte as before packs existed.
 */
export const FORMAT_VERSION = 2;
/** The version of a file without packed tensors. */
export const BASE_FORMAT_VERSION = 1;
/** Size of the fixed preamble before the FlatBuffers header. */
export const PREAMBLE_SIZE = 32;
/** Every section starts at a multiple of this many bytes from the start of the file. */
export const SECTION_ALIGNMENT = 64;
/** Largest header accepted: the header only describes sections, so this is generous. */
export const MAX_HEADER_SIZE = 64 * 1024 * 1024;
// Dtypes, their sizes and the tensor rank limit live with the section types in sections.ts.
