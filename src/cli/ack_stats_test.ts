import assert from "node:assert/strict";
import { LatencyHistogram } from "../core/latency_histogram.ts";
import { ackLine, AckStats } from "./ack_stats.ts";

function stats(acknowledged: number, latencies: [number, number][]) {
  const h = new LatencyHistogram();
  for (const [ms, n] of latencies) h.add(ms, n);
  return { acknowledged, latency: h.snapshot() };
}

Deno.test("run --stats: intervals are what the workers acknowledged in them, added up", () => {
  const s = new AckStats(0);
  s.update(0, stats(1000, [[2, 1000]]));
  s.update(1, stats(3000, [[4, 3000]]));
  const first = s.tick(2000);
  assert.equal(first.acknowledged, 4000);
  assert.equal(first.events_per_second, 2000);
  assert.ok(first.latency_ms.p50! >= 4 && first.latency_ms.p50! <= 4.2);
  assert.equal(first.latency_ms.max, 4);
  // Worker 1 again, cumulative: the second interval holds only what came after.
  s.update(1, stats(4000, [[4, 3000], [50, 1000]]));
  const second = s.tick(4000);
  assert.equal(second.acknowledged, 1000);
  assert.equal(second.events_per_second, 500);
  assert.ok(second.latency_ms.p50! >= 50 && second.latency_ms.p50! <= 52.5);
  const whole = s.whole(4000);
  assert.equal(whole.acknowledged, 5000);
  assert.equal(whole.latency_ms.max, 50);
  assert.match(
    ackLine(whole, "total"),
    /^stats: total 4\.0 s: 5,000 events acknowledged, 1,250 events\/s; acknowledgement latency p50 4\.\d ms, p99 5\d\.\d ms, max 50\.0 ms$/,
  );
  // Nothing acknowledged yet: no latency to show.
  assert.match(ackLine(new AckStats(0).tick(1000), "at"), /p50 -, p99 -, max -$/);
});
