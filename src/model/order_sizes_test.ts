import assert from "node:assert/strict";
import { empiricalSizes, normalCdf, OrderSizes, parseSizeSpec, sizeCdf } from "./order_sizes.ts";
import type { SizeDistribution } from "./order_sizes.ts";

/**
 * Kolmogorov-Smirnov distance between draws of integer sizes and the distribution: the largest
 * gap between the two distribution functions, at each size seen and just below it.
 */
function ksDistance(d: SizeDistribution, draws: number[]): number {
  const sorted = [...draws].sort((a, b) => a - b);
  let worst = 0;
  for (let i = 0; i < sorted.length;) {
    const v = sorted[i];
    worst = Math.max(worst, Math.abs(i / sorted.length - sizeCdf(d, v - 1)));
    while (i < sorted.length && sorted[i] === v) i++;
    worst = Math.max(worst, Math.abs(i / sorted.length - sizeCdf(d, v)));
  }
  return worst;
}

const N = 20_000;
/** The 1% critical value of the one-sample KS statistic (conservative for a discrete law). */
const KS_CRITICAL = 1.63 / Math.sqrt(N);

Deno.test("order sizes: each distribution's draws pass the Kolmogorov-Smirnov test", () => {
  const cases: SizeDistribution[] = [
    { kind: "geometric", mean: 4 },
    { kind: "geometric", mean: 1.5 },
    { kind: "lognormal", mu: 1, sigma: 0.8 },
    { kind: "lognormal", mu: 4, sigma: 1.5 },
    empiricalSizes({ "1": 50, "2": 20, "5": 20, "10": 10 }) as SizeDistribution,
  ];
  for (const d of cases) {
    const sizes = new OrderSizes(d, 42n);
    const draws = Array.from({ length: N }, () => sizes.next());
    const ks = ksDistance(d, draws);
    assert.ok(ks < KS_CRITICAL, `${JSON.stringify(d)}: KS ${ks.toFixed(4)} >= ${KS_CRITICAL}`);
    // And the test can tell another distribution: a geometric of another mean fails it.
    const other: SizeDistribution = { kind: "geometric", mean: 2.5 };
    assert.ok(ksDistance(other, draws) > KS_CRITICAL, JSON.stringify(d));
  }
  const fixed = new OrderSizes({ kind: "fixed" }, 1n);
  assert.deepEqual([fixed.next(), fixed.next()], [1, 1]);
});

Deno.test("order sizes: a stream of their own, the same for the same seed", () => {
  const d: SizeDistribution = { kind: "geometric", mean: 3 };
  const a = new OrderSizes(d, 7n), b = new OrderSizes(d, 7n), c = new OrderSizes(d, 8n);
  const take = (s: OrderSizes) => Array.from({ length: 50 }, () => s.next());
  const first = take(a);
  assert.deepEqual(take(b), first);
  assert.notDeepEqual(take(c), first);
});

Deno.test("order sizes: the specs and their errors", () => {
  assert.deepEqual(parseSizeSpec("geometric:4"), { kind: "geometric", mean: 4 });
  assert.deepEqual(parseSizeSpec("lognormal:1,0.5"), { kind: "lognormal", mu: 1, sigma: 0.5 });
  assert.deepEqual(parseSizeSpec("fixed"), { kind: "fixed" });
  assert.match(parseSizeSpec("geometric:0.5") as string, /MEAN must be 1/);
  assert.match(parseSizeSpec("lognormal:1") as string, /not fixed, geometric/);
  assert.match(parseSizeSpec("lognormal:1,-1") as string, /SIGMA 0 to 5/);
  assert.match(empiricalSizes({ "0": 3 }) as string, /0: 3 is not a size/);
  assert.match(empiricalSizes([1, 2]) as string, /no order_sizes object/);
  assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655) < 1e-6);
});
