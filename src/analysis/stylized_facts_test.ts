import assert from "node:assert/strict";
import {
  autocorrelation,
  coefficientOfVariation,
  excessKurtosis,
  IntervalSampler,
  logReturns,
  pooledAcf,
  stylizedFacts,
} from "./stylized_facts.ts";

Deno.test("stylized facts: the estimators on series whose values are known", () => {
  assert.equal(excessKurtosis([1, -1, 1, -1]), -2);
  // One outlier in many zeros: kurtosis n - 3 for n points around mean ~0.
  const spike = new Array(99).fill(0).concat([1]);
  assert.ok(excessKurtosis(spike) > 90);
  assert.equal(coefficientOfVariation([2, 2, 2]), 0);
  assert.ok(Math.abs(coefficientOfVariation([1, 3]) - 0.5) < 1e-12);
  const alternating = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1));
  assert.ok(Math.abs(autocorrelation(alternating, 1) + 0.99) < 1e-12);
  assert.ok(Math.abs(autocorrelation(alternating, 2) - 0.98) < 1e-12);
  assert.equal(pooledAcf([[1, -1], [1, -1]], 1), autocorrelation([1, -1, 1, -1], 1) * 2 / 3);
});

Deno.test("stylized facts: mids at each minute's end, returns, and the day's shape", () => {
  const s = new IntervalSampler(1000, 180, 100);
  s.push(1000 + 10e9, 101);
  s.push(1000 + 59e9, 102);
  s.push(1000 + 150e9, 99); // nothing in the second minute: it ends at 102
  assert.deepEqual(s.closes(), [102, 102, 99]);
  assert.deepEqual(logReturns(100, [102, 102, 99]).map((r) => +r.toFixed(6)), [
    +Math.log(1.02).toFixed(6),
    0,
    +Math.log(99 / 102).toFixed(6),
  ]);
  const facts = stylizedFacts([{
    returns: [0.1, -0.1, 0.1, -0.1, 0, 0, 0, 0, 0, 0, 0, 0],
    interArrivals: [1, 1, 1],
    halfHours: [40, 10, 20],
  }]);
  assert.equal(facts.openRatio, 4);
  assert.equal(facts.closeRatio, 2);
  assert.equal(facts.interArrivalCv, 0);
  assert.equal(facts.absAcf.length, 10);
});
