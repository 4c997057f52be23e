import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import { SPREAD_BUCKETS } from "./queue_estimator.ts";
import { ASK, BID, SojournCells } from "./sojourns.ts";
import { estimateSpreadSensitivity, tablesWithoutSpread } from "./spread_sensitivity.ts";

/**
 * One level: adds at rate 2 e^{0.5 (spread - 2)} and market orders at 3 e^{-0.5 (spread - 2)},
 * the same at every queue size, 1000 s at spreads 1, 2 and 3 each (counts as their expectations).
 */
function cells(s: number) {
  const bySpread = new SojournCells(SPREAD_BUCKETS);
  const flat = new SojournCells(1);
  for (const spread of [1, 2, 3]) {
    for (const n of [1, 2]) {
      const add = new Float64Array(6), buy = new Float64Array(6);
      add[EventType.ADD_BID] = 2000 * Math.exp(s * (spread - 2));
      buy[EventType.EXECUTE_BUY] = 3000 * Math.exp(-s * (spread - 2));
      bySpread.merge(BID, spread, n, 1000, add[EventType.ADD_BID], add);
      bySpread.merge(ASK, spread, n, 1000, buy[EventType.EXECUTE_BUY], buy);
      flat.merge(BID, 0, n, 1000, add[EventType.ADD_BID], add);
      flat.merge(ASK, 0, n, 1000, buy[EventType.EXECUTE_BUY], buy);
    }
  }
  return { bySpread, flat };
}

Deno.test("the spread sensitivity is estimated by maximum likelihood, and taken out of the curves", () => {
  const { bySpread, flat } = cells(0.5);
  assert.equal(estimateSpreadSensitivity(bySpread, 1), 0.5);
  const tables = tablesWithoutSpread(flat, bySpread, 0.5, 3);
  // The base rates at spread 2 come back; averaged over the spreads they would be higher.
  assert.ok(Math.abs(tables.addBid[0][1] - 2) < 1e-12, String(tables.addBid[0][1]));
  assert.ok(Math.abs(tables.marketBuy[2] - 3) < 1e-12, String(tables.marketBuy[2]));
  assert.equal(tables.addBid[0][3], 0, "no data at size 3");
  assert.ok(
    Math.abs(
      flat.rate(BID, 0, 1, EventType.ADD_BID) - 2 * (Math.exp(-0.5) + 1 + Math.exp(0.5)) / 3,
    ) < 1e-12,
  );
});

Deno.test("a source without a spread effect gets sensitivity 0 and its curves unchanged", () => {
  const { bySpread, flat } = cells(0);
  assert.equal(estimateSpreadSensitivity(bySpread, 1), 0);
  assert.deepEqual(
    tablesWithoutSpread(flat, bySpread, 0, 3).addBid[0][1],
    flat.rate(BID, 0, 1, EventType.ADD_BID),
  );
});
