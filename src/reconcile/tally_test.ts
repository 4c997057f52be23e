import assert from "node:assert/strict";
import { addHash, idDifferences, IdTally, newTally, rangesText, sameTally } from "./tally.ts";

Deno.test("rangesText: runs of consecutive ids as ranges, in order", () => {
  assert.equal(rangesText([]), "");
  assert.equal(rangesText([12, 3, 4, 5, 7, 6, 9]), "3-7, 9, 12");
});

Deno.test("a tally does not depend on order, and tells a changed or extra event", () => {
  const a = newTally(), b = newTally(), c = newTally();
  for (const h of [1, 2, 0xffffffff]) addHash(a, h);
  for (const h of [0xffffffff, 1, 2]) addHash(b, h);
  for (const h of [0xffffffff, 1, 3]) addHash(c, h);
  assert.ok(sameTally(a, b));
  assert.ok(!sameTally(a, c));
  assert.equal(a.sum, 2); // mod 2^32
  addHash(b, 2);
  assert.ok(!sameTally(a, b));
});

Deno.test("idDifferences names missing, duplicated, changed and extra order ids", () => {
  const files = new IdTally(), here = new IdTally();
  for (let id = 1; id <= 10; id++) files.add(id, id * 7);
  for (const id of [1, 2, 3, 6, 7, 7, 8, 9, 9, 10, 11, 12]) here.add(id, id === 10 ? 1 : id * 7);
  // 9 twice with the same hash XORs to 0: still a duplicate, by count.
  assert.deepEqual(idDifferences(files, here), {
    missing: "4-5",
    duplicated: "7, 9",
    changed: "10",
    extra: "11-12",
  });
});
