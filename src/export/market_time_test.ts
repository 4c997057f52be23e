import assert from "node:assert/strict";
import { isTimeZone, MarketClock, utcOffsetMs, wallToUtcMs } from "./market_time.ts";

const HOUR = 3_600_000;
const NS_PER_HOUR = 3_600_000_000_000;

Deno.test("market time: offsets of New York, London and Kolkata, winter and summer", () => {
  assert.equal(utcOffsetMs("America/New_York", Date.UTC(2026, 0, 2, 15)), -5 * HOUR);
  assert.equal(utcOffsetMs("America/New_York", Date.UTC(2026, 6, 1, 15)), -4 * HOUR);
  assert.equal(utcOffsetMs("Europe/London", Date.UTC(2026, 0, 2, 12)), 0);
  assert.equal(utcOffsetMs("Europe/London", Date.UTC(2026, 6, 1, 12)), HOUR);
  assert.equal(utcOffsetMs("Asia/Kolkata", Date.UTC(2026, 0, 2, 12, 0, 0, 750)), 5.5 * HOUR);
  assert.equal(utcOffsetMs("UTC", Date.UTC(2026, 0, 2)), 0);
});

Deno.test("market time: a wall-clock time in New York as a UTC instant", () => {
  assert.equal(
    wallToUtcMs("America/New_York", Date.UTC(2026, 2, 6, 9, 30)),
    Date.UTC(2026, 2, 6, 14, 30),
  );
  assert.equal(
    wallToUtcMs("America/New_York", Date.UTC(2026, 2, 9, 9, 30)),
    Date.UTC(2026, 2, 9, 13, 30),
  );
});

Deno.test("market time: a session's clock on both sides of a clock change, and during one", () => {
  const open = 9.5 * NS_PER_HOUR + 3_510_394;
  assert.equal(
    new MarketClock("2026-03-06", "America/New_York").iso(open),
    "2026-03-06T14:30:00.003510394Z",
  );
  assert.equal(
    new MarketClock("2026-03-09", "America/New_York").iso(open),
    "2026-03-09T13:30:00.003510394Z",
  );
  assert.equal(
    new MarketClock("2026-03-09", "America/New_York").epochNs(open),
    BigInt(Date.UTC(2026, 2, 9, 13, 30)) * 1_000_000n + 3_510_394n,
  );
  // 2026-03-08: at 02:00 New York's clocks jump to 03:00, so 01:30 is EST and 03:30 is EDT.
  const sunday = new MarketClock("2026-03-08", "America/New_York");
  assert.equal(sunday.iso(1.5 * NS_PER_HOUR), "2026-03-08T06:30:00.000000000Z");
  assert.equal(sunday.iso(3.5 * NS_PER_HOUR + 1), "2026-03-08T07:30:00.000000001Z");
  assert.equal(
    new MarketClock("2026-01-02", "Asia/Kolkata").iso(open),
    "2026-01-02T04:00:00.003510394Z",
  );
  assert.equal(new MarketClock("2026-01-02", "UTC").iso(open), "2026-01-02T09:30:00.003510394Z");
});

Deno.test("market time: time-zone names", () => {
  assert.equal(isTimeZone("America/New_York"), true);
  assert.equal(isTimeZone("UTC"), true);
  for (const bad of ["", "Mars/Olympus", "America/New_York\n", "EST5EDT,M3"]) {
    assert.equal(isTimeZone(bad), false, bad);
  }
});
