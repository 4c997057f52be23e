import assert from "node:assert/strict";
import { Memo } from "./memo.ts";

Deno.test("memo: one result per key, shared by those who ask at once", async () => {
  const memo = new Memo<number>(4);
  let made = 0;
  const make = () => Promise.resolve(++made);
  const [a, b] = await Promise.all([memo.get("k", make), memo.get("k", make)]);
  assert.deepEqual([a, b, made], [1, 1, 1]);
  assert.equal(await memo.get("other", make), 2);
});

Deno.test("memo: past its limit, the least recently asked for is let go", async () => {
  const memo = new Memo<string>(2);
  const made: string[] = [];
  const make = (k: string) => () => (made.push(k), Promise.resolve(k));
  await memo.get("a", make("a"));
  await memo.get("b", make("b"));
  await memo.get("a", make("a")); // a is now the most recent
  await memo.get("c", make("c")); // b goes
  assert.equal(memo.size, 2);
  await memo.get("a", make("a"));
  await memo.get("b", make("b"));
  assert.deepEqual(made, ["a", "b", "c", "b"]);
});

Deno.test("memo: a result that fails is not kept", async () => {
  const memo = new Memo<number>(2);
  await assert.rejects(memo.get("k", () => Promise.reject(new Error("no"))), /no/);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(memo.size, 0);
  assert.equal(await memo.get("k", () => Promise.resolve(7)), 7);
});
