import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import { Mt19937_64 } from "../core/rng.ts";
import { Book } from "./book.ts";

const sides = (b: Book) => ({
  bid: [...b.bidPrice].map((p, k) => [p, b.bidDepth[k]]),
  ask: [...b.askPrice].map((p, k) => [p, b.askDepth[k]]),
});

function book(levels = 3, depth = 2, p0 = 1000, spread = 2): Book {
  const b = new Book(levels, depth);
  b.seed(p0, spread);
  return b;
}

Deno.test("seeding: best bid p0 - half the spread, slots one tick apart, initial depth", () => {
  assert.deepEqual(sides(book(3, 2, 1000, 2)), {
    bid: [[999, 2], [998, 2], [997, 2]],
    ask: [[1001, 2], [1002, 2], [1003, 2]],
  });
  // Odd spread: half rounds down; spread 0 means 2; depth 0 means 50; levels 0 means 1.
  assert.deepEqual(sides(book(1, 2, 1000, 3)), { bid: [[999, 2]], ask: [[1002, 2]] });
  assert.deepEqual(sides(book(1, 0, 1000, 0)), { bid: [[999, 50]], ask: [[1001, 50]] });
  assert.equal(new Book(0, 1).levels, 1);
  assert.equal(new Book(100, 1).levels, 64);
});

Deno.test("an add inside the spread pushes the side one slot deeper; elsewhere it adds depth", () => {
  const b = book(3, 2, 1000, 4); // bid 998, ask 1002
  b.apply(EventType.ADD_BID, 999, 1);
  assert.deepEqual(sides(b).bid, [[999, 1], [998, 2], [997, 2]]);
  b.apply(EventType.ADD_ASK, 1001, 1);
  assert.deepEqual(sides(b).ask, [[1001, 1], [1002, 2], [1003, 2]]);
  b.apply(EventType.ADD_BID, 997, 1); // index best - price = 2
  assert.deepEqual(sides(b).bid, [[999, 1], [998, 2], [997, 3]]);
  b.apply(EventType.ADD_BID, 990, 1); // beyond the book: ignored
  b.apply(EventType.ADD_ASK, 1001, 1);
  assert.deepEqual(sides(b), {
    bid: [[999, 1], [998, 2], [997, 3]],
    ask: [[1001, 2], [1002, 2], [1003, 2]],
  });
});

Deno.test("the shift rule: an emptied best slot is dropped, a fresh one appears beyond the deepest", () => {
  const b = book(3, 2);
  b.askDepth.set([2, 3, 4]);
  b.apply(EventType.EXECUTE_BUY, 0, 1);
  assert.deepEqual(sides(b).ask, [[1001, 1], [1002, 3], [1003, 4]]);
  b.apply(EventType.EXECUTE_BUY, 0, 1);
  assert.deepEqual(sides(b).ask, [[1002, 3], [1003, 4], [1004, 2]]);
  b.bidDepth.set([2, 6, 7]);
  b.apply(EventType.CANCEL_BID, 999, 5); // more than the depth: floored at 0, then shifted
  assert.deepEqual(sides(b).bid, [[998, 6], [997, 7], [996, 2]]);
  b.bidDepth.set([1, 0, 0]);
  b.apply(EventType.EXECUTE_SELL, 0, 1); // shifts until the best slot has depth
  assert.deepEqual(sides(b).bid, [[995, 2], [994, 2], [993, 2]]);
});

Deno.test("the new deepest slot follows the slot before it (the quirk after an improvement)", () => {
  const b = book(3, 1, 1000, 6); // bid 997, ask 1003, 1004, 1005
  b.apply(EventType.ADD_ASK, 1001, 1); // ask 1001, 1003, 1004
  b.apply(EventType.ADD_ASK, 1000, 1); // ask 1000, 1001, 1003
  b.apply(EventType.EXECUTE_BUY, 0, 1); // 1000 emptied: 1001, 1003, then 1003 + 1
  assert.deepEqual(sides(b).ask, [[1001, 1], [1003, 1], [1004, 1]]);
  // Cancels are located by distance from the best price, as if slots were one tick apart.
  b.apply(EventType.CANCEL_ASK, 1003, 1); // index 2 -> the slot priced 1004, not 1003
  assert.deepEqual(sides(b).ask, [[1001, 1], [1003, 1], [1004, 0]]);
  b.apply(EventType.ADD_ASK, 1002, 1); // index 1 -> the slot priced 1003
  assert.deepEqual(sides(b).ask, [[1001, 1], [1003, 2], [1004, 0]]);
});

Deno.test("a one-level book moves its only slot one tick outward", () => {
  const b = book(1, 1);
  b.apply(EventType.EXECUTE_BUY, 0, 1);
  b.apply(EventType.EXECUTE_SELL, 0, 1);
  assert.deepEqual(sides(b), { bid: [[998, 1]], ask: [[1002, 1]] });
});

Deno.test("cancels on an empty slot or outside the book change nothing", () => {
  const b = book(2, 1);
  b.apply(EventType.CANCEL_ASK, 1002, 1); // deeper slot to 0: no shift (not the best)
  b.apply(EventType.CANCEL_ASK, 1002, 1); // already 0
  b.apply(EventType.CANCEL_ASK, 1005, 1); // outside
  b.apply(EventType.CANCEL_ASK, 990, 1); // negative index
  assert.deepEqual(sides(b).ask, [[1001, 1], [1002, 0]]);
});

Deno.test("close price: the mid, truncated toward zero", () => {
  assert.equal(book(1, 1, 1000, 3).closePrice(), 1000); // (999 + 1002) / 2 = 1000.5
  assert.equal(book(1, 1, -5, 3).closePrice(), -4); // (-6 + -3) / 2 = -4.5
});

Deno.test("reinitialise: one Poisson draw per slot, bid then ask, level by level", () => {
  const b = book(2, 1);
  const rng = new Mt19937_64(3);
  b.reinitialise(rng, 10);
  const expected = new Mt19937_64(3);
  const poisson = (u: number) => {
    let p = Math.exp(-10), s = p, k = 0;
    while (u > s) {
      k++;
      p *= 10 / k;
      s += p;
    }
    return k;
  };
  const draws = [0, 1, 2, 3].map(() => poisson(expected.uniform()));
  assert.deepEqual([b.bidDepth[0], b.askDepth[0], b.bidDepth[1], b.askDepth[1]], draws);
  assert.equal(rng.uniform(), expected.uniform(), "exactly four draws");
});
