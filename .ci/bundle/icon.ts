// The bundle's icon, drawn here rather than committed as a binary: a rounded dark tile with an orange chevron (the
// "play" shape Plex users know), as a 512x512 RGBA PNG (the size Claude Desktop recommends). Deterministic: the same bytes on every build.
import { crc32, deflateSync } from 'node:zlib';

const SIZE = 512;

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** Inside a rounded square of the tile, and inside the chevron's band (a thick `>` with its point at the right). */
function pixel(x: number, y: number): [number, number, number, number] {
  const radius = 96;
  const cx = Math.min(Math.max(x, radius), SIZE - 1 - radius);
  const cy = Math.min(Math.max(y, radius), SIZE - 1 - radius);
  if ((x - cx) ** 2 + (y - cy) ** 2 > radius ** 2) return [0, 0, 0, 0];
  // The chevron: points whose distance from the polyline (176,112)-(352,256)-(176,400) is below the half-thickness.
  const segments: [number, number, number, number][] = [
    [176, 112, 352, 256],
    [352, 256, 176, 400],
  ];
  const distance = Math.min(
    ...segments.map(([x1, y1, x2, y2]) => {
      const t = Math.max(
        0,
        Math.min(1, ((x - x1) * (x2 - x1) + (y - y1) * (y2 - y1)) / ((x2 - x1) ** 2 + (y2 - y1) ** 2)),
      );
      return Math.hypot(x - (x1 + t * (x2 - x1)), y - (y1 + t * (y2 - y1)));
    }),
  );
  return distance < 44 ? [229, 160, 13, 255] : [31, 31, 31, 255];
}

export function renderIconPng(): Buffer {
  const rows: Buffer[] = [];
  for (let y = 0; y < SIZE; y++) {
    const row = Buffer.alloc(1 + SIZE * 4); // filter byte 0 (None), then RGBA
    for (let x = 0; x < SIZE; x++) Buffer.from(pixel(x, y)).copy(row, 1 + x * 4);
    rows.push(row);
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header.writeUInt8(8, 8); // bit depth
  header.writeUInt8(6, 9); // colour type RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
