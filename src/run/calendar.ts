/** Trading dates: Monday to Friday, no holiday calendar (model.md §6). */
const DAY_MS = 86_400_000;

export function parseIsoDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === text ? d : null;
}

/** The last date a `.qrsdp` file can be named by (YYYY-MM-DD has four digits of year). */
export const LAST_DATE = "9999-12-31";

/** The weekday after `date`; null past LAST_DATE. */
export function nextWeekday(date: string): string | null {
  let t = parseIsoDate(date)!.getTime();
  do t += DAY_MS; while ([0, 6].includes(new Date(t).getUTCDay()));
  const next = new Date(t).toISOString().slice(0, 10);
  return parseIsoDate(next) ? next : null;
}

/**
 * Trading dates from `start` (which is used as given): each call gives the next one, null once
 * they run past LAST_DATE.
 */
export function tradingDates(start: string): () => string | null {
  let current: string | null = null;
  let first = true;
  return () => {
    current = first ? start : current === null ? null : nextWeekday(current);
    first = false;
    return current;
  };
}

/** The trading date `days` - 1 after `start`, or null when that is past LAST_DATE. */
export function lastTradingDate(start: string, days: number): string | null {
  const next = tradingDates(start);
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
