import assert from "node:assert/strict";
import { toJson } from "./json.ts";

Deno.test("toJson writes bigints as exact integers, and strings as JSON does", () => {
  assert.equal(
    toJson({ seed: 18446744073709551615n, small: 5n, text: "\u0000 0", list: [1n] }),
    '{"seed":18446744073709551615,"small":5,"text":"\\u0000 0","list":[1]}',
  );
  assert.equal(toJson({ a: 1 }, 2), '{\n  "a": 1\n}');
});
