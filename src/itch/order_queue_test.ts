import assert from "node:assert/strict";
import { OrderQueue } from "./order_queue.ts";

const all = (q: OrderQueue) => Array.from({ length: q.size }, (_, i) => q.at(i));
const range = (first: number, n: number) => Array.from({ length: n }, (_, i) => first + i);

Deno.test("order queue: oldest and youngest ends, growth keeps the order", () => {
  const q = new OrderQueue(100);
  q.pushRange(1, 20);
  assert.equal(q.popOldest(), 1);
  assert.equal(q.popYoungest(), 20);
  q.pushRange(21, 20);
  assert.equal(q.size, 38);
  assert.deepEqual(all(q), [...range(2, 18), ...range(21, 20)]);
  q.clear();
  assert.equal(q.size, 0);
});

Deno.test("order queue: a run of references wraps around the ring's end", () => {
  const q = new OrderQueue(100);
  q.pushRange(1, 8);
  for (let ref = 1; ref <= 5; ref++) assert.equal(q.popOldest(), ref);
  q.pushRange(9, 5);
  assert.deepEqual(all(q), range(6, 8));
  q.pushRange(14, 1);
  assert.deepEqual(all(q), range(6, 9));
  assert.equal(q.popYoungest(), 14);
});

Deno.test("order queue: renumbering changes the references from a base on, across the ring", () => {
  const q = new OrderQueue(100);
  q.pushRange(1, 6);
  for (let n = 0; n < 5; n++) q.popOldest();
  q.pushRange(1000, 5);
  q.renumber(1000, new Float64Array([40, 41, 42, 43, 44]));
  assert.deepEqual(all(q), [6, 40, 41, 42, 43, 44]);
});
