import assert from "node:assert/strict";
import { MAX_RETRY_SECONDS, retryPolicy } from "./retry.ts";

/** The policy as it was first written: one loop step per retry. */
function stepwise(totalMs: number): number {
  let retries = 0;
  for (let spent = 0, wait = 300; spent + wait <= totalMs; retries++) {
    spent += wait;
    wait = Math.min(wait * 2, 5000);
  }
  return Math.max(retries, 1);
}

Deno.test("retryPolicy: as many retries as fit in the budget, at least one", () => {
  for (const ms of [0, 299, 300, 900, 2000, 9300, 14300, 30_000, 600_000]) {
    assert.equal(retryPolicy(ms).retries, stepwise(ms), `${ms} ms`);
  }
});

Deno.test("retryPolicy: bounded whatever the budget", () => {
  const most = retryPolicy(MAX_RETRY_SECONDS * 1000).retries;
  assert.equal(most, stepwise(MAX_RETRY_SECONDS * 1000));
  for (const ms of [1e12, 1e308, Infinity, NaN, -5]) {
    const { retries } = retryPolicy(ms);
    assert.ok(retries >= 1 && retries <= most, `${ms}: ${retries}`);
  }
});
