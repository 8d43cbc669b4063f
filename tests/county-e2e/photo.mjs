// Writes a small but real photo-like PNG (640×480, a colour gradient with stripes) to the path
// given, for the county browser test's visit photo (scripts/county-e2e.sh: `taizhang visit
// --photo`, which re-encodes it as the app does). No image library: PNG is zlib (node:zlib)
// plus a CRC-32 computed here.
//
//   node photo.mjs /tmp/visit.png

import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";
import { crc32 } from "./crc32.mjs";

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

export function photoPng(width = 640, height = 480) {
  const raw = Buffer.alloc((width * 3 + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = y * (width * 3 + 1);
    raw[row] = 0; // no filter
    for (let x = 0; x < width; x++) {
      const stripe = ((x >> 5) + (y >> 5)) % 2 ? 40 : 0;
      raw[row + 1 + x * 3] = (x * 255) / width;
      raw[row + 2 + x * 3] = (y * 255) / height;
      raw[row + 3 + x * 3] = 120 + stripe;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const out = process.argv[2];
if (!out) {
  console.error("usage: node photo.mjs OUT.png");
  process.exit(2);
}
writeFileSync(out, photoPng());
