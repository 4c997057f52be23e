import assert from "node:assert/strict";
import { PriceLadder } from "./price_ladder.ts";

const shares = (l: PriceLadder, side: number, ticks: number[]) =>
  ticks.map((t) => l.shares(side, t));

Deno.test("load sets a side's levels, empties the prices between and better than them", () => {
  const l = new PriceLadder();
  for (const [side, tick, n] of [[1, 101, 5], [1, 102, 6], [1, 110, 7], [0, 99, 8], [0, 90, 9]]) {
    l.change(side, tick, n);
  }
  // Asks from 103: 101 and 102 are gone, 104 is empty, 110 (past the last level) is kept.
  l.load(1, Float64Array.of(103, 105), Float64Array.of(30, 50), 2, false);
  assert.equal(l.bestAsk, 103);
  assert.deepEqual(shares(l, 1, [101, 102, 103, 104, 105, 110]), [0, 0, 30, 0, 50, 7]);
  // A whole side: nothing is left beyond its last level.
  l.load(0, Float64Array.of(100, 98), Float64Array.of(10, 20), 2, true);
  assert.equal(l.bestBid, 100);
  assert.deepEqual(shares(l, 0, [100, 99, 98, 90]), [10, 0, 20, 0]);
  // The ladder grows to hold levels far from what it held.
  l.load(1, Float64Array.of(5000), Float64Array.of(1), 1, true);
  assert.deepEqual([l.bestAsk, l.shares(1, 5000), l.shares(1, 103)], [5000, 1, 0]);
  l.load(0, new Float64Array(0), new Float64Array(0), 0, true);
  assert.equal(l.bestBid, -1);
  // Removing the best finds the next price as before.
  l.change(1, 5000, -1);
  assert.equal(l.bestAsk, -1);
});
