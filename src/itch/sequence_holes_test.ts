import assert from "node:assert/strict";
import { SequenceHoles } from "./sequence_holes.ts";

Deno.test("sequence holes: each number of a hole is taken once; the oldest beyond the limit go", () => {
  const h = new SequenceHoles(2);
  h.add(3n, 6n);
  h.add(10n, 11n);
  assert.equal(h.take(2n), false);
  assert.equal(h.take(4n), true);
  assert.equal(h.take(4n), false);
  assert.equal(h.take(3n), true);
  assert.equal(h.take(5n), true);
  assert.equal(h.take(6n), false);
  assert.equal(h.take(10n), true);
  h.add(20n, 22n);
  h.add(30n, 31n);
  h.add(40n, 41n);
  assert.equal(h.take(20n), false);
  assert.equal(h.take(30n), true);
  h.clear();
  assert.equal(h.take(40n), false);
});
