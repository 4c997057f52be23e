/**
 * The dashboard's icon, drawn here rather than stored: a 16x16 Windows icon (one 32-bit image)
 * of three bars, bid green, mid gold and ask red, on the page's dark background.
 */
const SIZE = 16;
const BACKGROUND = [0x19, 0x14, 0x0f, 0xff]; // BGRA of #0f1419
const BARS: [number, number, number[]][] = [
  // [first column, height, BGRA]
  [2, 8, [0x71, 0xbf, 0x2f, 0xff]],
  [7, 12, [0x41, 0xb3, 0xe0, 0xff]],
  [12, 5, [0x4b, 0x53, 0xe5, 0xff]],
];

export function favicon(): Uint8Array<ArrayBuffer> {
  const pixels = SIZE * SIZE * 4;
  const mask = SIZE * 4; // one bit a pixel, rows padded to 32 bits: all shown
  const image = 40 + pixels + mask;
  const out = new Uint8Array(6 + 16 + image);
  const v = new DataView(out.buffer);
  v.setUint16(2, 1, true); // an icon
  v.setUint16(4, 1, true); // one image
  out[6] = SIZE;
  out[7] = SIZE;
  v.setUint16(10, 1, true); // planes
  v.setUint16(12, 32, true); // bits a pixel
  v.setUint32(14, image, true);
  v.setUint32(18, 22, true); // where the image starts
  const bmp = 22;
  v.setUint32(bmp, 40, true);
  v.setInt32(bmp + 4, SIZE, true);
  v.setInt32(bmp + 8, SIZE * 2, true); // the colours and the mask
  v.setUint16(bmp + 12, 1, true);
  v.setUint16(bmp + 14, 32, true);
  v.setUint32(bmp + 20, pixels + mask, true);
  // Rows bottom up.
  for (let row = 0; row < SIZE; row++) {
    for (let col = 0; col < SIZE; col++) {
      const bar = BARS.find(([x, h]) => col >= x && col < x + 3 && row >= 1 && row < 1 + h);
      out.set(bar ? bar[2] : BACKGROUND, bmp + 40 + (row * SIZE + col) * 4);
    }
  }
  return out;
}
