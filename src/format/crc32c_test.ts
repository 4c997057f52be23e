import assert from "node:assert/strict";
import { crc32c } from "./crc32c.ts";
import { Lz4BlockCompressor } from "./lz4_block.ts";
import { Lz4BlockDecoder } from "./lz4_decoder.ts";

const text = (s: string) => new TextEncoder().encode(s);

Deno.test("crc32c: the standard check values", () => {
  assert.equal(crc32c(text("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa);
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43);
  assert.equal(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i)), 0x46dd794e);
  assert.equal(crc32c(new Uint8Array(0)), 0);
});

Deno.test("crc32c: continues across pieces and ranges, whatever the split", () => {
  const bytes = Uint8Array.from({ length: 1000 }, (_, i) => (i * 7919) & 0xff);
  const whole = crc32c(bytes);
  for (const split of [0, 1, 7, 8, 9, 500, 999, 1000]) {
    assert.equal(crc32c(bytes.subarray(split), crc32c(bytes.subarray(0, split))), whole);
    assert.equal(crc32c(bytes, crc32c(bytes, 0, 0, split), split), whole);
  }
});

Deno.test("crc32c: the LZ4 module's chunk checksums equal this one's, whatever the length", () => {
  // Three of its 4096-byte SIMD blocks and some, so that blocks follow blocks and bytes.
  const bytes = Uint8Array.from({ length: 3 * 4096 + 11 }, (_, i) => (i * 2654435761) >>> 13);
  const decoder = new Lz4BlockDecoder();
  decoder.reserve(bytes.length, 0);
  decoder.input.set(bytes);
  assert.equal(decoder.checksum(0, 0, 9), crc32c(bytes.subarray(0, 9)));
  const ranges = [[0, 0], [0, 1], [3, 11], [5, 4096], [0, 4099], [1, 4098], [7, 12299], [0, 8192]];
  for (const [from, to] of ranges) {
    assert.equal(decoder.checksum(0x12345678, from, to), crc32c(bytes, 0x12345678, from, to));
  }
  decoder.input.set(text("123456789"));
  assert.equal(decoder.checksum(0, 0, 9), 0xe3069283);

  const compressor = new Lz4BlockCompressor();
  const block = compressor.compressWithHeadroom(bytes, bytes.length, 32);
  assert.equal(compressor.checksum(7, block), crc32c(block, 7));
  assert.throws(() => compressor.checksum(7, block.slice()), RangeError);
});
