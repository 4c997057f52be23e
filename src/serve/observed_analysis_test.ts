import assert from "node:assert/strict";
import { chunksOf, replayObservations } from "../calibrate/replay.ts";
import { EventType } from "../core/events.ts";
import { SessionLog } from "../format/input.ts";
import { analyseSession } from "./analysis.ts";
import { ObservedAnalysis } from "./observed_analysis.ts";

const SESSION = new URL("../../tests/fixtures/g1_seed42_simple/2026-01-02.qrsdp", import.meta.url)
  .pathname;

/** A one-level book whose best prices the test sets by hand. */
function book(bid: number, ask: number) {
  return {
    bidPrice: new Int32Array([bid]),
    askPrice: new Int32Array([ask]),
    bidDepth: new Int32Array(1),
    askDepth: new Int32Array(1),
  };
}

Deno.test("observed analysis of a hand-made stream: mix, half hours, gaps, spread and mid", () => {
  const b = book(99, 101);
  const a = new ObservedAnalysis(b);
  a.begin(100);
  // 100-101.5: spread 2, mid 100; an add inside the spread at 101.5 makes it 1 (mid 100.5).
  a.event(101.5, 0, 0, EventType.ADD_BID);
  b.bidPrice[0] = 100;
  a.after(101.5, true);
  a.event(103, 1, 0, EventType.EXECUTE_BUY);
  a.after(103, false);
  a.event(100 + 1800 + 1, 1, 0, EventType.CANCEL_ASK); // the second half hour
  a.after(1901, false);
  a.end(1902);
  const r = a.analysis("X");
  assert.equal(r.events, 3);
  assert.equal(r.sessionSeconds, 1802);
  assert.deepEqual(r.activity, { minutes: [0, 30], events: [2, 1] });
  assert.equal(r.eventMix.ADD_BID, 1);
  assert.equal(r.eventMix.EXECUTE_BUY, 1);
  assert.equal(r.eventMix.CANCEL_ASK, 1);
  // Gaps 1.5 s and 1798 s: their mean.
  assert.ok(Math.abs(r.interArrival.mean - (1.5 + 1798) / 2) < 1e-9, String(r.interArrival.mean));
  // 1.5 s at spread 2, 1800.5 s at spread 1, over 1802 s.
  assert.deepEqual(r.spread.ticks, [1, 2]);
  assert.ok(Math.abs(r.spread.share[0] - 1800.5 / 1802) < 1e-12);
  assert.ok(Math.abs(r.spread.share[1] - 1.5 / 1802) < 1e-12);
  // Candles: the mid went from 100 to 100.5 in the first minute, and stayed.
  assert.deepEqual(r.candles[0], [0, 100, 100.5, 100, 100.5]);
  assert.deepEqual(r.candles[1], [30, 100.5, 100.5, 100.5, 100.5]);
});

Deno.test("a book that starts empty: its first mid stands for the time before it", () => {
  const b = book(-1, -1);
  const a = new ObservedAnalysis(b);
  a.begin(0);
  a.event(2.5, 0, 0, EventType.ADD_BID);
  b.bidPrice[0] = 99;
  a.after(2.5, true);
  a.event(3.5, 1, 0, EventType.ADD_ASK);
  b.askPrice[0] = 101;
  a.after(3.5, true);
  a.end(5);
  const r = a.analysis("X");
  assert.deepEqual(r.candles, [[0, 100, 100, 100, 100]]);
  assert.equal(r.returns[0].n, 5);
  assert.equal(r.returns[0].std, 0);
  assert.deepEqual(r.spread, { ticks: [2], share: [1.5 / 5] });
});

Deno.test("observed analysis of a replayed session agrees with the session's own analysis", () => {
  const log = SessionLog.open(SESSION);
  let observed: ObservedAnalysis | null = null;
  try {
    replayObservations(
      log.header,
      chunksOf(log),
      { compat: false, censored: false, onPriceMismatch: () => {} },
      (b) => observed = new ObservedAnalysis(b),
    );
  } finally {
    log.close();
  }
  const got = observed!.analysis("2026-01-02"), want = analyseSession(SESSION, "2026-01-02");
  assert.equal(got.events, want.events);
  assert.equal(got.sessionSeconds, want.sessionSeconds);
  assert.deepEqual(got.eventMix, want.eventMix);
  assert.deepEqual(got.activity, want.activity);
  assert.equal(got.candles.length, want.candles.length);
  assert.deepEqual(got.spread.ticks, want.spread.ticks);
  got.spread.share.forEach((s, i) => assert.ok(Math.abs(s - want.spread.share[i]) < 1e-6));
  assert.ok(Math.abs(got.interArrival.mean - want.interArrival.mean) < 1e-9);
  got.returns.forEach((r, i) => {
    assert.equal(r.n, want.returns[i].n);
    assert.ok(Math.abs(r.std - want.returns[i].std) < 1e-3 * want.returns[i].std, `${i}`);
  });
});
