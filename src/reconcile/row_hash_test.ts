import assert from "node:assert/strict";
import { eventHash } from "./row_hash.ts";

const event = {
  tsNs: 34_200_000_000_123,
  type: 4,
  side: 1,
  priceTicks: 10_001,
  qty: 1,
  orderId: 77,
};

Deno.test("eventHash: every field counts, and the same event hashes the same", () => {
  const h = eventHash(event);
  assert.equal(h, eventHash({ ...event }));
  assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32);
  const changed = [
    { tsNs: event.tsNs + 1 },
    { tsNs: event.tsNs + 2 ** 32 },
    { type: 5 },
    { side: 0 },
    { priceTicks: -10_001 },
    { qty: 2 },
    { orderId: 78 },
    { orderId: 77 + 2 ** 32 },
  ];
  for (const c of changed) assert.notEqual(eventHash({ ...event, ...c }), h, JSON.stringify(c));
});
