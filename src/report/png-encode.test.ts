import { describe, expect, it } from 'vitest';
import { decodePng } from '../../test/helpers/png.js';
import { encodePng } from './png-encode.js';

describe('encodePng', () => {
  it('writes a valid RGBA PNG whose rows are exactly the pixels given', async () => {
    // 3 x 2: red, green, blue / white, black, half-transparent grey.
    const px = Uint8Array.from([255, 0, 0, 255, 0, 255, 0, 255, 0, 0, 255, 255, 255, 255, 255, 255, 0, 0, 0, 255, 128, 128, 128, 128]);
    const png = decodePng(await encodePng(3, 2, px));
    expect([png.width, png.height, png.bitDepth, png.colorType]).toEqual([3, 2, 8, 6]);
    // Filter byte 0, then the row as given.
    expect([...png.raw.subarray(0, 13)]).toEqual([0, ...px.subarray(0, 12)]);
    expect([...png.raw.subarray(13)]).toEqual([0, ...px.subarray(12)]);
  });

  it('is deterministic and refuses a buffer of the wrong size', async () => {
    const px = new Uint8Array(4 * 4 * 4).fill(200);
    expect((await encodePng(4, 4, px)).equals(await encodePng(4, 4, px))).toBe(true);
    await expect(encodePng(5, 4, px)).rejects.toThrow(/expected 80 bytes/);
  });
});
