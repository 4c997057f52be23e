import assert from "node:assert/strict";
import { EarlyEvents } from "./early_events.ts";
import { numberedEvent as event } from "../kafka/test_records.ts";
import type { EarlySession } from "./early_events.ts";

function takeAll(early: EarlyEvents): (string | number)[] {
  const seen: (string | number)[] = [];
  const tell = (s: EarlySession) => seen.push(`${s.symbol} ${s.date}`);
  for (let e; (e = early.take(tell)) !== null;) seen.push(e.orderId - 1);
  return seen;
}

Deno.test("early events come back in order, each session told before its first event", () => {
  const early = new EarlyEvents(1 << 20);
  early.begin({ symbol: "AAA", date: "2026-01-02" });
  for (let i = 0; i < 3; i++) assert.ok(early.add(event(i)));
  early.begin({ symbol: "AAA", date: "2026-01-05" });
  early.begin({ symbol: "BBB", date: "2026-01-05" });
  assert.ok(early.add(event(3)));
  assert.equal(early.size, 4);
  assert.deepEqual(takeAll(early), [
    "AAA 2026-01-02",
    0,
    1,
    2,
    "AAA 2026-01-05",
    "BBB 2026-01-05",
    3,
  ]);
  assert.ok(early.isEmpty);
});

Deno.test("early events: every field of every event survives", () => {
  const early = new EarlyEvents(1 << 20);
  early.begin({ symbol: "S", date: "D" });
  const n = 10_000;
  for (let i = 0; i < n; i++) assert.ok(early.add(event(i)));
  let i = 0;
  for (let e; (e = early.take(() => {})) !== null; i++) assert.deepEqual({ ...e }, event(i));
  assert.equal(i, n);
});

Deno.test("early events: full at their capacity; a session begun but not told is not empty", () => {
  const early = new EarlyEvents(26 * 3);
  assert.ok(early.isEmpty);
  early.begin({ symbol: "S", date: "D" });
  assert.ok(!early.isEmpty, "the session is still to be told");
  for (let i = 0; i < 3; i++) assert.ok(early.add(event(i)));
  assert.equal(early.add(event(3)), false);
  assert.equal(early.size, 3);
});

Deno.test("early events: the ones never taken are counted per symbol; clear lets all go", () => {
  const early = new EarlyEvents(1 << 20);
  early.begin({ symbol: "AAA", date: "D1" });
  for (let i = 0; i < 4; i++) early.add(event(i));
  early.begin({ symbol: "BBB", date: "D1" });
  for (let i = 0; i < 2; i++) early.add(event(i));
  early.begin({ symbol: "AAA", date: "D2" });
  early.add(event(9));
  early.take(() => {});
  assert.deepEqual([...early.countsBySymbol()], [["AAA", 4], ["BBB", 2]]);
  early.clear();
  assert.ok(early.isEmpty);
  assert.equal(early.size, 0);
  assert.deepEqual([...early.countsBySymbol()], []);
});
