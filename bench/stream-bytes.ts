/** Unsigned LEB128, as the graph stream writes counts, lengths and ids: for hand-built hostile streams. */
export const varint = (n: number): number[] => {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  out.push(n);
  return out;
};
