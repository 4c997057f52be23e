import assert from "node:assert/strict";
import { TimeHeap } from "./time_heap.ts";

/** The (ts, security) pairs in line, by the rule the heap keeps: time, then security. */
function inLine(entries: Map<number, number>): [number, number][] {
  return [...entries].map(([s, ts]): [number, number] => [ts, s])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1]);
}

Deno.test("time heap: first and second in line by ts, ties by the lower security", () => {
  const heap = new TimeHeap(4);
  assert.equal(heap.top, -1);
  assert.equal(heap.second, -1);
  assert.equal(heap.secondTs, Infinity);
  heap.push(3, 5);
  assert.deepEqual([heap.top, heap.topTs, heap.second, heap.secondTs], [3, 5, -1, Infinity]);
  heap.push(1, 5);
  heap.push(2, 7);
  heap.push(0, 9);
  assert.deepEqual([heap.top, heap.topTs, heap.second, heap.secondTs], [1, 5, 3, 5]);
  heap.replaceTop(7);
  assert.deepEqual([heap.top, heap.second, heap.secondTs], [3, 1, 7]);
  heap.pop();
  assert.deepEqual([heap.top, heap.topTs, heap.second], [1, 7, 2]);
  heap.clear();
  assert.equal(heap.size, 0);
  assert.equal(heap.top, -1);
});

Deno.test("time heap: pushes, moves and pops at random keep the line", () => {
  let x = 12345;
  const rand = (n: number) => (x = (x * 1103515245 + 12345) % 2147483648) % n;
  const heap = new TimeHeap(300);
  const entries = new Map<number, number>();
  for (let step = 0; step < 20000; step++) {
    const free = [...Array(300).keys()].filter((s) => !entries.has(s));
    const r = rand(3);
    if ((r === 0 || entries.size === 0) && free.length > 0) {
      const s = free[rand(free.length)], ts = rand(50);
      heap.push(s, ts);
      entries.set(s, ts);
    } else if (r === 1 && entries.size > 0) {
      const ts = heap.topTs + rand(20);
      entries.set(heap.top, ts);
      heap.replaceTop(ts);
    } else if (entries.size > 0) {
      entries.delete(heap.top);
      heap.pop();
    }
    const line = inLine(entries);
    assert.equal(heap.size, line.length);
    assert.equal(heap.top, line[0]?.[1] ?? -1, `step ${step}`);
    if (line.length > 0) assert.equal(heap.topTs, line[0][0]);
    assert.equal(heap.second, line[1]?.[1] ?? -1, `step ${step}`);
    assert.equal(heap.secondTs, line[1]?.[0] ?? Infinity);
  }
});
