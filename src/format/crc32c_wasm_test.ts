import assert from "node:assert/strict";
import { crc32c } from "./crc32c.ts";
import { Crc32cWasm } from "./crc32c_wasm.ts";

Deno.test("Crc32cWasm equals crc32c.ts for every length, growing and shrinking", () => {
  const wasm = new Crc32cWasm();
  assert.equal(wasm.of(new TextEncoder().encode("123456789")), 0xe3069283);
  for (const n of [0, 1, 15, 4096, 3 * 4096 + 11, 70_000, 5, 200_000]) {
    const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 2654435761) >>> 13);
    assert.equal(wasm.of(bytes), crc32c(bytes), `length ${n}`);
    assert.equal(wasm.of(bytes.subarray(n >> 1), crc32c(bytes.subarray(0, n >> 1))), crc32c(bytes));
  }
});
