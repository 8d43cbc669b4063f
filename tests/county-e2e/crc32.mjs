// CRC-32 (the IEEE polynomial of PNG chunks and zip entries), for the county browser test's
// photo (photo.mjs) and the mock server's zip-based XLSX (mock-server.mjs): Node 20 has none.

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** The CRC-32 of `buf` (a Buffer or byte array). */
export function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
