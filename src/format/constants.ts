/** First 8 bytes of every checkpoint: 0x89 then "REPRISE" (the high byte catches 7-bit transfers). */
export const MAGIC = Uint8Array.of(0x89, 0x52, 0x45, 0x50, 0x52, 0x49, 0x53, 0x45);
/** The format version this code writes and the newest it reads. */
export const FORMAT_VERSION = 1;
/** Size of the fixed preamble before the FlatBuffers header. */
export const PREAMBLE_SIZE = 32;
/** Every section starts at a multiple of this many bytes from the start of the file. */
export const SECTION_ALIGNMENT = 64;
/** Largest header accepted: the header only describes sections, so this is generous. */
export const MAX_HEADER_SIZE = 64 * 1024 * 1024;
/** Largest tensor rank accepted. */
export const MAX_RANK = 32;
/** Bytes per element of fixed-width tensor dtypes; `string` tensors are variable-width. */
export const DTYPE_SIZES: Readonly<Record<string, number>> = Object.freeze({
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
});
export const VARIABLE_WIDTH_DTYPES: ReadonlySet<string> = new Set(['string']);
