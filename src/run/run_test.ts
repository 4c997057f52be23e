import assert from "node:assert/strict";
import { DayQueue } from "./run.ts";
import type { DayReport, DayTask } from "./security_run.ts";

function report(t: DayTask, closeTicks: number, stopped = false, events = 1): DayReport {
  return {
    securityIndex: t.securityIndex,
    symbol: null,
    date: t.date,
    seed: 0n,
    file: "",
    p0Ticks: t.p0Ticks,
    closeTicks,
    events,
    stopped,
    capped: events >= t.quota,
    wallSeconds: 0,
    lateSeconds: null,
  };
}

Deno.test("day queue: each security's days in order at the previous close, most days left first", () => {
  const securities = [100, 200, 300].map((p0Ticks, i) => ({ symbol: "ABC"[i], p0Ticks }));
  const q = new DayQueue(securities, {
    days: 3,
    startDate: "2026-01-02",
    seconds: 60,
    marketOpenSeconds: 34200,
    maxEvents: null,
  });
  const a0 = q.take()!, b0 = q.take()!;
  assert.deepEqual([a0.securityIndex, a0.day, a0.date, a0.p0Ticks], [0, 0, "2026-01-02", 100]);
  assert.deepEqual([b0.securityIndex, b0.day, b0.p0Ticks], [1, 0, 200]);
  q.done(report(a0, 111));
  // C has three days left, A two: C goes first, then A's second day at A's close.
  const c0 = q.take()!, a1 = q.take()!;
  assert.deepEqual([c0.securityIndex, c0.day], [2, 0]);
  assert.deepEqual([a1.securityIndex, a1.day, a1.date, a1.p0Ticks], [0, 1, "2026-01-05", 111]);
  assert.equal(q.take(), null, "every security is under way");
  q.failed(1);
  assert.equal(q.take(), null, "a security whose day failed runs no more days");
  q.done(report(c0, 333, true));
  assert.equal(q.take(), null, "no day follows one cut short");
  q.done(report(a1, 112));
  const a2 = q.take()!;
  assert.deepEqual([a2.securityIndex, a2.day, a2.p0Ticks], [0, 2, 112]);
  q.done(report(a2, 113));
  assert.equal(q.take(), null);
});

Deno.test("day queue: each day gets what is left of its security's --max-events share", () => {
  const securities = [{ symbol: "A", p0Ticks: 100 }, { symbol: "B", p0Ticks: 200 }];
  const session = {
    days: 5,
    startDate: "2026-01-02",
    seconds: 60,
    marketOpenSeconds: 34200,
    maxEvents: 25,
  };
  const q = new DayQueue(securities, session, [13, 12]);
  const a0 = q.take()!, b0 = q.take()!;
  assert.deepEqual([a0.quota, b0.quota], [13, 12]);
  q.done(report(a0, 101, false, 10));
  const a1 = q.take()!;
  assert.deepEqual([a1.securityIndex, a1.day, a1.quota], [0, 1, 3]);
  q.done(report(a1, 102, false, 3));
  assert.equal(q.take(), null, "A has used its share (its day was capped)");
  q.done(report(b0, 201, false, 12));
  assert.equal(q.take(), null, "so has B");
});

Deno.test("day queue: the days not yet handed out, a running security's next ones included", () => {
  const securities = [{ symbol: "A", p0Ticks: 100 }, { symbol: "B", p0Ticks: 200 }];
  const session = { days: 2, startDate: "2026-01-02", seconds: 60, marketOpenSeconds: 34200 };
  const q = new DayQueue(securities, { ...session, maxEvents: null });
  assert.equal(q.remaining(), 4);
  const a0 = q.take()!;
  assert.equal(q.remaining(), 3);
  const b0 = q.take()!;
  assert.equal(q.remaining(), 2, "each security's second day");
  q.done(report(a0, 101));
  const a1 = q.take()!;
  assert.equal(q.remaining(), 1);
  q.done(report(b0, 201, true));
  assert.equal(q.remaining(), 0, "no day follows one cut short");
  q.done(report(a1, 102));
  assert.equal(q.remaining(), 0);
});
