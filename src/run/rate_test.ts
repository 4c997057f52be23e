import assert from "node:assert/strict";
import { eventQuota, RatePacer } from "./rate.ts";
import { StopFlag } from "./stop.ts";

Deno.test("rate: event n is due n / rate seconds after the first, whatever happened between", () => {
  const pacer = new RatePacer(1000, new StopFlag());
  assert.equal(pacer.delay(100), 0); // event 0 sets the start: 100 ms
  assert.equal(pacer.delay(100), 2); // event 1 is due at 101 ms: sleeps at least 2 ms
  assert.equal(pacer.delay(101.5), 2); // event 2 is due at 102 ms
  assert.equal(pacer.delay(200), 0); // event 3, due at 103 ms, is late: now
  assert.equal(pacer.delay(103), 2); // event 4 is still due at 104 ms: late events do not shift it
  assert.equal(pacer.delay(90), 15); // event 5 at 105 ms
});

Deno.test("rate: the most an event was late, per session", () => {
  const pacer = new RatePacer(1000, new StopFlag());
  pacer.delay(100);
  pacer.delay(100.5); // due at 101: early, not late
  assert.equal(pacer.maxLateMs, 0);
  pacer.delay(150); // due at 102: 48 ms late
  pacer.delay(104); // due at 103: 1 ms late
  assert.equal(pacer.maxLateMs, 48);
  pacer.startSession();
  assert.equal(pacer.maxLateMs, 0);
  pacer.delay(110); // due at 104: 6 ms late
  assert.equal(pacer.maxLateMs, 6);
});

Deno.test("rate: a stop request ends a wait at once", async () => {
  const stop = new StopFlag();
  const pacer = new RatePacer(0.001, stop);
  pacer.wait();
  const waiting = pacer.wait()!;
  stop.request();
  const started = performance.now();
  await waiting;
  assert.ok(performance.now() - started < 1000);
});

Deno.test("rate: a run-wide event cap is shared out exactly", () => {
  for (const [max, n] of [[10, 3], [2, 5], [1_000_001, 7], [0, 2]]) {
    const shares = Array.from({ length: n }, (_, i) => eventQuota(max, n, i));
    assert.equal(shares.reduce((a, b) => a + b, 0), max);
    assert.ok(Math.max(...shares) - Math.min(...shares) <= 1);
  }
  assert.deepEqual([0, 1, 2].map((i) => eventQuota(10, 3, i)), [4, 3, 3]);
});
