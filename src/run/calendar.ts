/**
 * Trading dates. `weekdays` (the default, the C++ reference implementation's): Monday to Friday,
 * no holidays (model.md §6). `nyse`: the New York Stock Exchange's trading days and early closes.
 */
import { EARLY_CLOSE_SECONDS, isNyseEarlyClose, isNyseHoliday } from "./nyse_calendar.ts";

const DAY_MS = 86_400_000;

export const CALENDARS = ["weekdays", "nyse"] as const;
export type CalendarName = typeof CALENDARS[number];

export function parseIsoDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === text ? d : null;
}

/** The last date a `.qrsdp` file can be named by (YYYY-MM-DD has four digits of year). */
export const LAST_DATE = "9999-12-31";

export function isTradingDay(date: string, calendar: CalendarName = "weekdays"): boolean {
  if ([0, 6].includes(parseIsoDate(date)!.getUTCDay())) return false;
  return calendar === "weekdays" || !isNyseHoliday(date);
}

/** The trading day after `date`; null past LAST_DATE. */
export function nextTradingDay(date: string, calendar: CalendarName = "weekdays"): string | null {
  let t = parseIsoDate(date)!.getTime();
  for (;;) {
    t += DAY_MS;
    const next = new Date(t).toISOString().slice(0, 10);
    if (!parseIsoDate(next)) return null;
    if (isTradingDay(next, calendar)) return next;
  }
}

/** The weekday after `date`; null past LAST_DATE. */
export function nextWeekday(date: string): string | null {
  return nextTradingDay(date, "weekdays");
}

/** `date` when it is a trading day, else the next one (null past LAST_DATE). */
export function firstTradingDay(date: string, calendar: CalendarName = "weekdays"): string | null {
  return isTradingDay(date, calendar) ? date : nextTradingDay(date, calendar);
}

/** Seconds after midnight at which the exchange closes early on `date`, or null. */
export function earlyCloseSeconds(date: string, calendar: CalendarName): number | null {
  return calendar === "nyse" && isNyseEarlyClose(date) ? EARLY_CLOSE_SECONDS : null;
}

/**
 * The length of the session on `date`: `seconds`, cut at an early close when the market opens
 * before it.
 */
export function sessionSecondsOn(
  date: string,
  calendar: CalendarName,
  openSeconds: number,
  seconds: number,
): number {
  const close = earlyCloseSeconds(date, calendar);
  return close !== null && close > openSeconds ? Math.min(seconds, close - openSeconds) : seconds;
}

/**
 * Trading dates from `start` (which is used as given: the run moves a start date that is not a
 * trading day): each call gives the next one, null once they run past LAST_DATE.
 */
export function tradingDates(
  start: string,
  calendar: CalendarName = "weekdays",
): () => string | null {
  let current: string | null = null;
  let first = true;
  return () => {
    current = first ? start : current === null ? null : nextTradingDay(current, calendar);
    first = false;
    return current;
  };
}

/** The trading date `days` - 1 after `start`, or null when that is past LAST_DATE. */
export function lastTradingDate(
  start: string,
  days: number,
  calendar: CalendarName = "weekdays",
): string | null {
  const next = tradingDates(start, calendar);
  let date: string | null = start;
  for (let d = 0; d < days && date !== null; d++) date = next();
  return date;
}

/** Seconds after midnight of a time of day written HH:MM; null when it is not one. */
export function clockSeconds(text: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return +m[1] * 3600 + +m[2] * 60;
}
