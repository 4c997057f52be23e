import assert from "node:assert/strict";
import { autocorrelation, logReturns, moments, normalCdf } from "./analysis.ts";

Deno.test("normal CDF against known values", () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 1e-6);
});

Deno.test("moments: excess kurtosis 0 for a normal sample, -1.2 for a uniform one", () => {
  let s = 1;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const normal = Array.from({ length: 200_000 }, () => {
    const u = rand() || 1e-12, v = rand();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v) * 3 + 1;
  });
  const n = moments(normal);
  assert.ok(Math.abs(n.mean - 1) < 0.05, String(n.mean));
  assert.ok(Math.abs(n.std - 3) < 0.05, String(n.std));
  assert.ok(Math.abs(n.kurtosis) < 0.05, String(n.kurtosis));
  const uniform = moments(Array.from({ length: 200_000 }, rand));
  assert.ok(Math.abs(uniform.kurtosis + 1.2) < 0.02, String(uniform.kurtosis));
});

Deno.test("autocorrelation of an alternating series is -1 at lag 1 and +1 at lag 2", () => {
  const xs = Array.from({ length: 1000 }, (_, i) => (i % 2 ? 1 : -1));
  assert.ok(Math.abs(autocorrelation(xs, 1) + 1) < 0.01);
  assert.ok(Math.abs(autocorrelation(xs, 2) - 1) < 0.01);
  assert.equal(autocorrelation([1, 2], 5), 0);
});

Deno.test("log returns in basis points over a step", () => {
  const r = logReturns([100, 101, 102, 100], 1);
  assert.equal(r.length, 3);
  assert.ok(Math.abs(r[0] - Math.log(1.01) * 1e4) < 1e-9);
  assert.deepEqual(logReturns([100, 101, 102, 100], 2).map(Math.round), [198]);
});
