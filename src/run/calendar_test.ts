import assert from "node:assert/strict";
import {
  clockSeconds,
  lastTradingDate,
  nextWeekday,
  parseIsoDate,
  tradingDates,
} from "./calendar.ts";

Deno.test("dates: YYYY-MM-DD that exist, nothing else", () => {
  assert.equal(parseIsoDate("2026-01-02")?.toISOString(), "2026-01-02T00:00:00.000Z");
  for (const bad of ["2026-02-30", "2026-1-02", "20260102", "", "2026-13-01"]) {
    assert.equal(parseIsoDate(bad), null, bad);
  }
});

Deno.test("trading dates run Monday to Friday from the start date", () => {
  const next = tradingDates("2026-01-01"); // a Thursday
  assert.deepEqual(
    [next(), next(), next(), next()],
    ["2026-01-01", "2026-01-02", "2026-01-05", "2026-01-06"],
  );
  assert.equal(nextWeekday("2026-01-03"), "2026-01-05", "Saturday -> Monday");
  assert.equal(tradingDates("2026-01-03")(), "2026-01-03", "the start date is used as given");
  assert.equal(nextWeekday("2026-12-31"), "2027-01-01");
});

Deno.test("trading dates end at 9999-12-31", () => {
  assert.equal(nextWeekday("9999-12-30"), "9999-12-31");
  assert.equal(nextWeekday("9999-12-31"), null);
  const next = tradingDates("9999-12-30");
  assert.deepEqual([next(), next(), next(), next()], ["9999-12-30", "9999-12-31", null, null]);
  assert.equal(lastTradingDate("9999-12-30", 2), "9999-12-31");
  assert.equal(lastTradingDate("9999-12-30", 3), null);
  assert.equal(lastTradingDate("2026-01-02", 1), "2026-01-02");
});

Deno.test("clock times: HH:MM to seconds after midnight", () => {
  assert.equal(clockSeconds("09:30"), 34200);
  assert.equal(clockSeconds("00:00"), 0);
  assert.equal(clockSeconds("23:59"), 86340);
  for (const bad of ["24:00", "9:30", "12:60", "noon"]) assert.equal(clockSeconds(bad), null, bad);
});
