import assert from "node:assert/strict";
import { EventType } from "../core/events.ts";
import { ShareCells } from "./share_cells.ts";

Deno.test("cells in shares regroup into cells in units, sizes rounded up, exactly", () => {
  const cells = new ShareCells(2);
  cells.add(0, 0, 250, 1.5, EventType.ADD_BID); // 3 units of 100
  cells.add(0, 0, 300, 0.5, EventType.CANCEL_BID); // 3 units
  cells.add(0, 0, 301, 2, EventType.EXECUTE_SELL); // 4 units
  cells.addExposure(0, 0, 201, 1); // 3 units, no event
  cells.add(1, 1, 10_000, 4, EventType.ADD_ASK); // beyond the direct table: 100 units of 100
  cells.add(0, 1, 0, 2, EventType.ADD_BID); // an empty queue stays 0
  const units = cells.inUnits([100, 100]);
  assert.equal(units.count(0, 0, 3), 2);
  assert.equal(units.rate(0, 0, 3, EventType.ADD_BID), (2 / 3) * (1 / 2));
  assert.equal(units.rate(0, 0, 3, EventType.CANCEL_BID), (2 / 3) * (1 / 2));
  assert.equal(units.rate(0, 0, 4, EventType.EXECUTE_SELL), 0.5);
  assert.equal(units.rate(1, 1, 100, EventType.ADD_ASK), 0.25);
  assert.equal(units.rate(0, 1, 0, EventType.ADD_BID), 0.5);
  assert.equal(units.count(0, 0, 2), 0);
});
