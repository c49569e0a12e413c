/** CRC-32 (IEEE 802.3, reflected, polynomial 0xEDB88320): the table of byte remainders. */
const TABLE = (() => {
  const table = new Int32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  return table;
})();

/**
 * CRC-32 of the characters `text[start, end)`, each taken as one byte (callers pass ASCII), the
 * same value as `zlib.crc32` of those bytes. In JavaScript rather than `node:zlib` because the
 * inputs are ~22 characters on the authentication hot path, where crossing into C++ and encoding
 * the string costs several times the arithmetic; and it needs no substring.
 */
export function crc32Ascii(text: string, start = 0, end = text.length): number {
  let crc = -1;
  for (let i = start; i < end; i++) crc = (TABLE[(crc ^ text.charCodeAt(i)) & 0xff] as number) ^ (crc >>> 8);
  return (crc ^ -1) >>> 0;
}
