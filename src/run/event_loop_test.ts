import assert from "node:assert/strict";
import type { EventRecord } from "../core/events.ts";
import { newRecord } from "../core/events.ts";
import { EventLoop, runEvents } from "./event_loop.ts";
import type { EventLoopParts } from "./event_loop.ts";

/** `n` events (order ids 1..n), and a sink that keeps what it is given and its calls. */
function parts(n: number, over: Partial<EventLoopParts> = {}) {
  const calls: string[] = [];
  const got: number[] = [];
  let i = 0;
  const p: EventLoopParts = {
    source: {
      next(rec: EventRecord) {
        if (i === n) return false;
        rec.orderId = ++i;
        rec.tsNs = 1000 * i;
        return true;
      },
    },
    rec: newRecord(),
    sink: {
      beginSession() {},
      append(rec) {
        got.push(rec.orderId);
      },
      endSession() {},
      flush() {
        calls.push(`flush after ${got.length}`);
      },
    },
    quota: Infinity,
    due: null,
    check: () => false,
    ...over,
  };
  return { p, got, calls };
}

Deno.test("event loop: every event in order until the session ends; checked every 1,024th", async () => {
  const checked: number[] = [];
  const { p, got } = parts(5000, { check: (ts) => (checked.push(ts / 1000), false) });
  const loop = new EventLoop(p);
  await runEvents(loop);
  assert.equal(got.length, 5000);
  assert.ok(got.every((id, k) => id === k + 1));
  assert.deepEqual(checked, [1024, 2048, 3072, 4096]);
  assert.deepEqual([loop.events, loop.capped, loop.stopped], [5000, false, false]);
});

Deno.test("event loop: the quota ends the day; a check that says stop ends it after that event", async () => {
  const capped = parts(100, { quota: 40 });
  const a = new EventLoop(capped.p);
  await runEvents(a);
  assert.deepEqual([capped.got.length, a.events, a.capped, a.stopped], [40, 40, true, false]);
  const stopped = parts(5000, { check: (ts) => ts / 1000 >= 2048 });
  const b = new EventLoop(stopped.p);
  await runEvents(b);
  assert.deepEqual([stopped.got.length, b.stopped, b.capped], [2048, true, false]);
});

Deno.test("event loop: a sink that holds it back is waited for, and the loop goes on where it was", async () => {
  const { p, got } = parts(3000);
  const held = {
    ...p.sink,
    append: (rec: EventRecord) => {
      got.push(rec.orderId);
      if (rec.orderId % 1000 === 0) return new Promise<void>((r) => setTimeout(r, 5));
    },
  };
  const loop = new EventLoop({ ...p, sink: held });
  const first = loop.run();
  assert.ok(first instanceof Promise);
  assert.equal(got.length, 1000, "returned at the event that held it back");
  await first;
  await runEvents(loop);
  assert.equal(got.length, 3000);
  assert.ok(got.every((id, k) => id === k + 1));
});

Deno.test("event loop, paced: an event not yet due waits (the sink flushed first), then goes; every event checked", async () => {
  let checks = 0;
  const { p, got, calls } = parts(10, {
    due: (ts) => ts === 4000 || ts === 7000 ? new Promise((r) => setTimeout(r, 5)) : null,
    check: () => (checks++, false),
  });
  const loop = new EventLoop(p);
  await runEvents(loop);
  assert.deepEqual(got, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  assert.deepEqual(calls, ["flush after 3", "flush after 6"]);
  assert.equal(checks, 10);
});
