import assert from "node:assert/strict";
import { BookBuilder, RefSet } from "./decoder.ts";

Deno.test("test decoder: the reference set holds more than a Set can (2^24)", () => {
  const refs = new RefSet();
  const n = 2 ** 24 + 1000;
  for (let r = 1; r <= n; r++) refs.add(r);
  refs.add(2 ** 40 + 7);
  refs.add(5);
  assert.equal(refs.size, n + 1, "each reference counts once");
  assert.ok(refs.has(1) && refs.has(n) && refs.has(65536) && refs.has(2 ** 40 + 7));
  assert.ok(!refs.has(0) && !refs.has(n + 1) && !refs.has(2 ** 40 + 6));
  refs.clear();
  assert.ok(!refs.has(1));
  assert.equal(refs.size, 0);
});

Deno.test("test decoder: a second A of a reference is a duplicate, an E of none unknown", () => {
  const b = new BookBuilder();
  const add = (ref: number) => ({
    type: "A" as const,
    locate: 1,
    ts: 1,
    ref,
    side: "B",
    shares: 100,
    stock: "X       ",
    price: 1000,
  });
  b.apply(add(70000));
  b.apply({ type: "D", locate: 1, ts: 2, ref: 70000 });
  b.apply(add(70000));
  b.apply({ type: "E", locate: 1, ts: 3, ref: 70001, shares: 100, match: 1 });
  assert.equal(b.duplicateRefs, 1);
  assert.equal(b.unknownRefs, 1);
});
