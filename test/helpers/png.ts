import { inflateSync } from 'node:zlib';

/** What a decoded PNG says about itself. */
export interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  /** Inflated image data (filter byte + scanline per row). */
  raw: Buffer;
}

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * Decode a PNG far enough to prove it is one: the signature, every chunk's CRC, IHDR, and the image
 * data inflated to exactly height x (1 + width x bytes per pixel) bytes, with a valid filter byte on
 * every row. Throws on anything else.
 */
export function decodePng(png: Buffer): DecodedPng {
  if (!png.subarray(0, 8).equals(SIGNATURE)) throw new Error('not a PNG signature');
  let offset = 8;
  let header: Omit<DecodedPng, 'raw'> | undefined;
  const idat: Buffer[] = [];
  let ended = false;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const crc = png.readUInt32BE(offset + 8 + length);
    if (crc32(png.subarray(offset + 4, offset + 8 + length)) !== crc) throw new Error(`bad CRC in ${type}`);
    if (type === 'IHDR') header = { width: data.readUInt32BE(0), height: data.readUInt32BE(4), bitDepth: data[8] as number, colorType: data[9] as number };
    if (type === 'IDAT') idat.push(data);
    if (type === 'IEND') ended = true;
    offset += 12 + length;
  }
  if (!header || !ended) throw new Error('missing IHDR or IEND');
  const raw = inflateSync(Buffer.concat(idat));
  const bytesPerPixel = ((CHANNELS[header.colorType] ?? 0) * header.bitDepth) / 8;
  const rowBytes = 1 + Math.ceil(header.width * bytesPerPixel);
  if (raw.length !== header.height * rowBytes) throw new Error(`image data is ${raw.length} bytes, expected ${header.height * rowBytes}`);
  for (let y = 0; y < header.height; y++) if ((raw[y * rowBytes] as number) > 4) throw new Error(`bad filter on row ${y}`);
  return { ...header, raw };
}
