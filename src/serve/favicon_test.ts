import assert from "node:assert/strict";
import { favicon } from "./favicon.ts";

Deno.test("the icon is a 16x16 32-bit Windows icon whose one image fills the file", () => {
  const ico = favicon();
  const v = new DataView(ico.buffer);
  assert.deepEqual([v.getUint16(0, true), v.getUint16(2, true), v.getUint16(4, true)], [0, 1, 1]);
  assert.deepEqual([ico[6], ico[7], v.getUint16(12, true)], [16, 16, 32]);
  assert.equal(v.getUint32(18, true) + v.getUint32(14, true), ico.length);
  const bmp = v.getUint32(18, true);
  assert.deepEqual([v.getUint32(bmp, true), v.getInt32(bmp + 4, true), v.getInt32(bmp + 8, true)], [
    40,
    16,
    32,
  ]);
  // The bottom-left pixel is the background, one in the middle bar gold.
  assert.deepEqual([...ico.subarray(bmp + 40, bmp + 44)], [0x19, 0x14, 0x0f, 0xff]);
  const gold = bmp + 40 + (5 * 16 + 8) * 4;
  assert.deepEqual([...ico.subarray(gold, gold + 4)], [0x41, 0xb3, 0xe0, 0xff]);
});
