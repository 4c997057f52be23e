import assert from "node:assert/strict";
import { checkPlan, PlanError } from "./plan.ts";

const GOOD = {
  symbols: ["AAPL", null],
  p0Ticks: [10000, 200],
  days: 2,
  sessionSeconds: 3600,
  seed: 42,
  startDate: "2026-01-02",
  levels: 5,
  preset: "calm",
};

Deno.test("a plan from disk is used only when every field is sound", () => {
  assert.deepEqual(checkPlan(GOOD), GOOD);
  assert.deepEqual(checkPlan({ ...GOOD, thetaReinit: 0.1 }), { ...GOOD, thetaReinit: 0.1 });
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ days: "<img src=x onerror=alert(1)>" }, /^plan\.days: "<img/],
    [{ days: -1 }, /^plan\.days: /],
    [{ symbols: ["<b>x</b>"], p0Ticks: [1] }, /^plan\.symbols\[0\]: /],
    [{ symbols: "AAPL" }, /^plan\.symbols: /],
    [{ p0Ticks: [1] }, /^plan\.p0Ticks: /],
    [{ p0Ticks: [1, "2"] }, /^plan\.p0Ticks\[1\]: /],
    [{ sessionSeconds: 1e9 }, /^plan\.sessionSeconds: /],
    [{ seed: 1.5 }, /^plan\.seed: /],
    [{ startDate: "2026-01-02<script>" }, /^plan\.startDate: /],
    [{ levels: null }, /^plan\.levels: /],
    [{ preset: "<svg onload=x>" }, /^plan\.preset: /],
    [{ thetaReinit: "0.1" }, /^plan\.thetaReinit: /],
  ];
  for (const [change, message] of bad) {
    assert.throws(
      () => checkPlan({ ...GOOD, ...change }),
      (e) => e instanceof PlanError && message.test(e.message),
      JSON.stringify(change),
    );
  }
  assert.throws(() => checkPlan(5), /^Error: plan: not an object/);
});
