import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import { ASK, BID, curveTables, SojournCells } from "./sojourns.ts";

Deno.test("a rate is (count / sum_dt) * (type count / count), not the simplified ratio", () => {
  const cells = new SojournCells(1);
  cells.add(BID, 0, 2, 0.1, EventType.ADD_BID);
  cells.add(BID, 0, 2, 0.1, EventType.CANCEL_BID);
  cells.add(BID, 0, 2, 0.1, EventType.CANCEL_BID);
  const sumDt = 0.1 + 0.1 + 0.1;
  assert.equal(cells.rate(BID, 0, 2, EventType.ADD_BID), (3 / sumDt) * (1 / 3));
  assert.notEqual((3 / sumDt) * (1 / 3), 1 / sumDt); // the two orders differ in the last bit here
  assert.equal(cells.rate(BID, 0, 1, EventType.ADD_BID), 0);
  assert.equal(cells.rate(ASK, 0, 2, EventType.ADD_ASK), 0);
});

Deno.test("cells grow past their first capacity and keep what they held", () => {
  const cells = new SojournCells(2);
  cells.add(ASK, 1, 3, 2, EventType.CANCEL_ASK);
  cells.add(ASK, 1, 1000, 4, EventType.ADD_ASK);
  assert.equal(cells.rate(ASK, 1, 3, EventType.CANCEL_ASK), 0.5);
  assert.equal(cells.rate(ASK, 1, 1000, EventType.ADD_ASK), 0.25);
  assert.equal(cells.largestSize(ASK, 1), 1000);
  assert.equal(cells.count(ASK, 1, 1000), 1);
  assert.equal(cells.total(ASK, 1), 2);
  assert.equal(cells.largestSize(BID, 0), -1);
});

Deno.test("tables hold n_max + 1 entries, none for a negative n_max; tiny rates become 1e-12", () => {
  const cells = new SojournCells(1);
  cells.add(BID, 0, 0, 1e20, EventType.EXECUTE_SELL);
  const t = curveTables(cells, 3);
  assert.deepEqual(Array.from(t.marketSell), [1e-12, 0, 0, 0]);
  assert.equal(t.addBid.length, 1);
  assert.equal(curveTables(cells, -1).marketBuy.length, 0);
});
