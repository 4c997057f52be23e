import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import { autocorrelations, RealismAccumulator, returnStats } from "./realism_stats.ts";
import { compareStats, ksDistance, relativeError } from "./realism_compare.ts";

/** A one-level book: best bid 99 and best ask 101 (spread 2), depth 3 and 1. */
function book() {
  return {
    bidPrice: Int32Array.of(99),
    askPrice: Int32Array.of(101),
    bidDepth: Int32Array.of(3),
    askDepth: Int32Array.of(1),
  };
}

/** Ten seconds: an add at 2 s (bid 3 -> 4), an execution at 6 s (ask 1 -> 0, ask moves to 102). */
function tenSeconds() {
  const b = book();
  const acc = new RealismAccumulator(1).attach(b);
  acc.begin(0);
  acc.event(2, 0, 0, EventType.ADD_BID);
  b.bidDepth[0] = 4;
  acc.after(2, false);
  acc.event(6, 1, 0, EventType.EXECUTE_BUY);
  b.askPrice[0] = 102;
  b.askDepth[0] = 2;
  acc.after(6, true);
  acc.end(10);
  return acc.stats();
}

Deno.test("realism figures of a hand-made period: rates, time-weighted queue sizes and spread, returns", () => {
  const s = tenSeconds();
  assert.equal(s.seconds, 10);
  assert.equal(s.events, 2);
  assert.deepEqual(s.rates[EventType.ADD_BID], [0.1]);
  assert.deepEqual(s.rates[EventType.EXECUTE_BUY], [0.1]);
  assert.deepEqual(s.rates[EventType.CANCEL_ASK], [0]);
  // Time at each size, both sides pooled (20 queue-seconds): ask 1 for 6 s, 2 for 4 s; bid 3
  // for 2 s, 4 for 8 s.
  assert.deepEqual(s.queueSizes[0], [0, 6 / 20, 4 / 20, 2 / 20, 8 / 20]);
  // Spread 2 for 6 s, then 3.
  assert.deepEqual(s.spread, [0, 0, 0.6, 0.4]);
  assert.deepEqual(s.interArrival, { mean: 4, cv: 0 });
  // Mids at 0..10 s: 100 up to 6 s, 100.5 from then (the grid point at 6 s is before the event).
  const r1 = s.returns[0];
  assert.equal(r1.count, 10);
  const jump = Math.log(100.5 / 100);
  assert.ok(Math.abs(r1.sd - Math.sqrt(jump * jump * (1 / 10 - 1 / 100))) < 1e-15);
  assert.equal(s.returns[1].count, 1);
  assert.equal(s.returns[2].count, 0);
  assert.equal(s.signature[0].rv, (jump * jump) / 10);
  assert.deepEqual(s.intraday, [2]);
});

Deno.test("return statistics: excess kurtosis and autocorrelations of known series", () => {
  // Two values, equally often: kurtosis 1, so excess -2; alternating signs: ACF -1 at lag 1.
  const alternating = [1, -1, 1, -1, 1, -1, 1, -1];
  const s = returnStats(1, alternating);
  assert.equal(s.excessKurtosis, -2);
  assert.ok(Math.abs(s.acf[0] - -7 / 8) < 1e-12, String(s.acf[0]));
  assert.deepEqual(s.acfAbs, new Array(10).fill(0), "|r| constant");
  assert.deepEqual(autocorrelations([1, 2, 3], 3).map((v) => Math.round(v * 1e12) / 1e12), [
    0,
    -0.5,
    0,
  ]);
});

Deno.test("compare: a source against itself has every distance 0; a changed figure is flagged", () => {
  const a = tenSeconds();
  const same = compareStats(a, tenSeconds());
  assert.ok(same.length > 50);
  assert.deepEqual(same.filter((f) => f.distance !== 0), []);
  const b = tenSeconds();
  b.rates[EventType.ADD_BID][0] = 0.2;
  b.spread = [0, 0, 1];
  const differ = compareStats(a, b).filter((f) => f.flagged).map((f) => f.name);
  assert.deepEqual(differ, ["rate ADD_BID level 0", "spread (ticks)"]);
});

Deno.test("distances: KS of discrete distributions, symmetric relative error", () => {
  assert.equal(ksDistance([0.5, 0.5], [0.5, 0.5]), 0);
  assert.equal(ksDistance([1], [0, 0.25, 0.75]), 1);
  assert.equal(ksDistance([0.5, 0.5], [0.25, 0.25, 0.5]), 0.5);
  assert.equal(relativeError(2, 1), 0.5);
  assert.equal(relativeError(1, 2), 0.5);
  assert.equal(relativeError(0, 0), 0);
});
