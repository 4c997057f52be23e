import assert from "node:assert/strict";
import { crc32c } from "./crc32c.ts";

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
