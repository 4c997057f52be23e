import { tradingDates } from "./calendar.ts";
import type { SessionSettings } from "./config.ts";

/**
 * Trading dates from the run's first day on (`--first-day D` skips the D dates before it): each
 * call gives the next one, null once they run past the last date a file can be named by.
 */
export function datesFromFirstDay(session: SessionSettings): () => string | null {
  const next = tradingDates(session.startDate, session.calendar);
  for (let d = 0; d < (session.firstDay ?? 0); d++) next();
  return next;
}
