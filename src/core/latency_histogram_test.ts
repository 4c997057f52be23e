import assert from "node:assert/strict";
import { LatencyHistogram } from "./latency_histogram.ts";

Deno.test("latency quantiles within a bucket's 5 %, the max exact, events weighted", () => {
  const h = new LatencyHistogram();
  for (let ms = 1; ms <= 100; ms++) h.add(ms);
  h.add(1000, 2);
  assert.equal(h.total, 102);
  const near = (got: number | null, want: number) =>
    assert.ok(got !== null && got >= want && got <= want * 1.05, `${got} for ${want}`);
  near(h.quantile(0.5), 51);
  near(h.quantile(0.98), 100);
  assert.equal(h.quantile(1), 1000);
  assert.equal(h.maxMs, 1000);
  assert.equal(new LatencyHistogram().quantile(0.5), null);
});

Deno.test("histograms merge across threads, and two snapshots give an interval", () => {
  const a = new LatencyHistogram(), b = new LatencyHistogram();
  a.add(2, 10);
  b.add(8, 30);
  const sum = new LatencyHistogram().merge(a.snapshot()).merge(b.snapshot());
  assert.equal(sum.total, 40);
  assert.equal(sum.maxMs, 8);
  const before = a.snapshot();
  a.add(40, 5);
  const interval = LatencyHistogram.between(before, a.snapshot());
  assert.equal(interval.total, 5);
  assert.ok(interval.quantile(0.5)! >= 40 && interval.quantile(0.5)! <= 42);
  assert.equal(interval.maxMs, 40);
});
