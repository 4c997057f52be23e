import assert from "node:assert/strict";
import { easterSunday, nyseYear } from "./nyse_calendar.ts";
import {
  earlyCloseSeconds,
  firstTradingDay,
  isTradingDay,
  lastTradingDate,
  sessionSecondsOn,
  tradingDates,
} from "./calendar.ts";

/** The exchange's published holidays and early closes (its holidays and trading hours page). */
const PUBLISHED: Record<number, { holidays: string[]; earlyCloses: string[] }> = {
  2025: {
    holidays: [
      "2025-01-01", // New Year's Day
      "2025-01-09", // National Day of Mourning (President Carter)
      "2025-01-20", // Martin Luther King, Jr. Day
      "2025-02-17", // Washington's Birthday
      "2025-04-18", // Good Friday
      "2025-05-26", // Memorial Day
      "2025-06-19", // Juneteenth
      "2025-07-04", // Independence Day
      "2025-09-01", // Labor Day
      "2025-11-27", // Thanksgiving Day
      "2025-12-25", // Christmas Day
    ],
    earlyCloses: ["2025-07-03", "2025-11-28", "2025-12-24"],
  },
  2026: {
    holidays: [
      "2026-01-01",
      "2026-01-19",
      "2026-02-16",
      "2026-04-03",
      "2026-05-25",
      "2026-06-19",
      "2026-07-03", // Independence Day, observed (July 4 is a Saturday)
      "2026-09-07",
      "2026-11-26",
      "2026-12-25",
    ],
    earlyCloses: ["2026-11-27", "2026-12-24"],
  },
  2027: {
    holidays: [
      "2027-01-01",
      "2027-01-18",
      "2027-02-15",
      "2027-03-26",
      "2027-05-31",
      "2027-06-18", // Juneteenth, observed (June 19 is a Saturday)
      "2027-07-05", // Independence Day, observed (July 4 is a Sunday)
      "2027-09-06",
      "2027-11-25",
      "2027-12-24", // Christmas, observed (December 25 is a Saturday)
    ],
    earlyCloses: ["2027-11-26"],
  },
};

Deno.test("nyse: exactly the published holidays and early closes of 2025-2027", () => {
  for (const [year, expected] of Object.entries(PUBLISHED)) {
    assert.deepEqual(nyseYear(+year), expected, year);
    for (const d of expected.holidays) assert.equal(isTradingDay(d, "nyse"), false, d);
    for (const d of expected.earlyCloses) {
      assert.equal(isTradingDay(d, "nyse"), true, d);
      assert.equal(earlyCloseSeconds(d, "nyse"), 13 * 3600, d);
      assert.equal(earlyCloseSeconds(d, "weekdays"), null, d);
    }
  }
});

Deno.test("nyse: the observance rules", () => {
  // New Year's Day on a Saturday (2022) is not moved to the Friday before.
  assert.equal(isTradingDay("2021-12-31", "nyse"), true);
  // Juneteenth only from 2022; on a Sunday (2022) it moves to the Monday.
  assert.equal(isTradingDay("2021-06-18", "nyse"), true);
  assert.equal(isTradingDay("2022-06-20", "nyse"), false);
  // Christmas on a Saturday (2021): Friday the 24th closed, no early close.
  assert.equal(isTradingDay("2021-12-24", "nyse"), false);
  // Independence Day on a Sunday (2021): Monday the 5th closed, no early close on Friday the 2nd.
  assert.equal(isTradingDay("2021-07-05", "nyse"), false);
  assert.equal(earlyCloseSeconds("2021-07-02", "nyse"), null);
  assert.deepEqual(
    ["2024-03-31", "2025-04-20", "2026-04-05", "2027-03-28", "2038-04-25"],
    [2024, 2025, 2026, 2027, 2038].map(easterSunday),
  );
});

Deno.test("calendars: weekdays has no holidays; a start that is not a trading day moves on", () => {
  assert.equal(isTradingDay("2026-12-25", "weekdays"), true);
  assert.equal(isTradingDay("2026-12-25", "nyse"), false);
  assert.equal(firstTradingDay("2026-01-03", "weekdays"), "2026-01-05", "Saturday -> Monday");
  assert.equal(firstTradingDay("2026-01-02", "weekdays"), "2026-01-02");
  assert.equal(firstTradingDay("2026-01-01", "nyse"), "2026-01-02");
  assert.equal(firstTradingDay("2026-01-01", "weekdays"), "2026-01-01");
  const next = tradingDates("2026-12-23", "nyse");
  assert.deepEqual(
    [next(), next(), next(), next()],
    ["2026-12-23", "2026-12-24", "2026-12-28", "2026-12-29"],
  );
  assert.equal(lastTradingDate("2026-01-02", 21, "nyse"), "2026-02-02");
  assert.equal(lastTradingDate("2026-01-02", 21, "weekdays"), "2026-01-30");
});

Deno.test("calendars: an early close cuts the session at 13:00", () => {
  const open = 9.5 * 3600;
  assert.equal(sessionSecondsOn("2026-11-27", "nyse", open, 23400), 12600);
  assert.equal(sessionSecondsOn("2026-11-27", "nyse", open, 600), 600);
  assert.equal(sessionSecondsOn("2026-11-27", "weekdays", open, 23400), 23400);
  assert.equal(sessionSecondsOn("2026-11-30", "nyse", open, 23400), 23400);
  assert.equal(sessionSecondsOn("2026-11-27", "nyse", 14 * 3600, 7200), 7200);
});
