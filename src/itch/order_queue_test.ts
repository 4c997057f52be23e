import assert from "node:assert/strict";
import { OrderQueue } from "./order_queue.ts";

Deno.test("order queue: oldest and youngest ends, growth keeps the order", () => {
  const q = new OrderQueue(100);
  for (let i = 1; i <= 20; i++) q.push(i);
  assert.equal(q.popOldest(), 1);
  assert.equal(q.popYoungest(), 20);
  for (let i = 21; i <= 40; i++) q.push(i);
  assert.equal(q.size, 38);
  const all = Array.from({ length: q.size }, (_, i) => q.at(i));
  assert.deepEqual(all, [
    ...Array.from({ length: 18 }, (_, i) => i + 2),
    ...Array.from({ length: 20 }, (_, i) => i + 21),
  ]);
  q.clear();
  assert.equal(q.size, 0);
});
