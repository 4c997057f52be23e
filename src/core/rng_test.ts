import assert from "node:assert/strict";
import { Mt19937_64 } from "./rng.ts";

// model.md §1: the reference values of std::mt19937_64 and of uniform().

Deno.test("seed 5489: first output and 10000th output of std::mt19937_64", () => {
  const rng = new Mt19937_64(5489);
  const first = rng.uniform();
  assert.equal(first, Number(14514284786278117030n) / 2 ** 64);
  let u = first;
  for (let i = 2; i <= 10000; i++) u = rng.uniform();
  assert.equal(u, Number(9981545732273789042n) / 2 ** 64);
});

Deno.test("seed 42: the first three uniforms of model.md", () => {
  const rng = new Mt19937_64(42);
  assert.deepEqual(
    [rng.uniform(), rng.uniform(), rng.uniform()],
    [0.75515553295453897, 0.63903139385469743, 0.7521452007480266],
  );
});

Deno.test("reseeding restarts the sequence; bigint and number seeds agree", () => {
  const rng = new Mt19937_64(7);
  const a = [rng.uniform(), rng.uniform()];
  rng.seed(7n);
  assert.deepEqual([rng.uniform(), rng.uniform()], a);
});
