import assert from "node:assert/strict";
import { nsToSeconds } from "./replay.ts";

Deno.test("timestamps become seconds by multiplying by 1e-9, which differs from / 1e9", () => {
  assert.equal(nsToSeconds(34200000000001), 34200.000000001004);
  assert.notEqual(34200000000001 / 1e9, 34200.000000001004);
});
