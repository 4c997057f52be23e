/**
 * The New York Stock Exchange's trading calendar by rule: its full-day holidays (with the
 * weekend observance rules) and its 13:00 early closes. Dates are YYYY-MM-DD strings.
 */

/** Seconds after midnight of an early close: 13:00. */
export const EARLY_CLOSE_SECONDS = 13 * 3600;

/**
 * Days the exchange closed outside its rules (national days of mourning, emergencies). A
 * calendar by rule cannot know them; they are listed so the years they fall in are right.
 */
const SPECIAL_CLOSURES = [
  "2001-09-11",
  "2001-09-12",
  "2001-09-13",
  "2001-09-14",
  "2004-06-11",
  "2007-01-02",
  "2012-10-29",
  "2012-10-30",
  "2018-12-05",
  "2025-01-09",
];

interface YearCalendar {
  holidays: Set<string>;
  earlyCloses: Set<string>;
}

const years = new Map<number, YearCalendar>();

function iso(year: number, month: number, day: number): string {
  return new Date(Date.UTC(year, month - 1, day)).toISOString().slice(0, 10);
}

function weekday(year: number, month: number, day: number): number {
  return new Date(Date.UTC(year, month - 1, day)).getUTCDay();
}

/** The n-th (1-based) given weekday (0 Sunday) of a month; n = -1 is the last. */
function nthWeekday(year: number, month: number, dow: number, n: number): string {
  if (n > 0) {
    const first = weekday(year, month, 1);
    return iso(year, month, 1 + ((dow - first + 7) % 7) + 7 * (n - 1));
  }
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const last = weekday(year, month, lastDay);
  return iso(year, month, lastDay - ((last - dow + 7) % 7));
}

/** Easter Sunday (Gregorian), by the anonymous algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): string {
  const a = year % 19, b = Math.floor(year / 100), c = year % 100;
  const d = Math.floor(b / 4), e = b % 4, f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4), k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return iso(year, month, day);
}

/** A fixed-date holiday on a Saturday is observed the Friday before, on a Sunday the Monday after. */
function observed(year: number, month: number, day: number): string {
  const dow = weekday(year, month, day);
  return iso(year, month, day + (dow === 6 ? -1 : dow === 0 ? 1 : 0));
}

function build(year: number): YearCalendar {
  const holidays = new Set<string>();
  // New Year's Day on a Saturday is not observed on the Friday before (NYSE Rule 7.2).
  if (weekday(year, 1, 1) !== 6) holidays.add(observed(year, 1, 1));
  holidays.add(nthWeekday(year, 1, 1, 3)); // Martin Luther King, Jr. Day
  holidays.add(nthWeekday(year, 2, 1, 3)); // Washington's Birthday
  const easter = easterSunday(year);
  holidays.add(iso(year, +easter.slice(5, 7), +easter.slice(8, 10) - 2)); // Good Friday
  holidays.add(nthWeekday(year, 5, 1, -1)); // Memorial Day
  if (year >= 2022) holidays.add(observed(year, 6, 19)); // Juneteenth
  holidays.add(observed(year, 7, 4)); // Independence Day
  holidays.add(nthWeekday(year, 9, 1, 1)); // Labor Day
  const thanksgiving = nthWeekday(year, 11, 4, 4);
  holidays.add(thanksgiving);
  holidays.add(observed(year, 12, 25)); // Christmas
  for (const d of SPECIAL_CLOSURES) if (+d.slice(0, 4) === year) holidays.add(d);

  const earlyCloses = new Set<string>();
  const open = (d: string) =>
    !holidays.has(d) && ![0, 6].includes(weekday(+d.slice(0, 4), +d.slice(5, 7), +d.slice(8, 10)));
  const dayAfterThanksgiving = iso(year, 11, +thanksgiving.slice(8, 10) + 1);
  if (open(dayAfterThanksgiving)) earlyCloses.add(dayAfterThanksgiving);
  // July 3 closes early when Independence Day falls on a Tuesday to Friday.
  const july4 = weekday(year, 7, 4);
  if (july4 >= 2 && july4 <= 5 && open(iso(year, 7, 3))) earlyCloses.add(iso(year, 7, 3));
  if (open(iso(year, 12, 24))) earlyCloses.add(iso(year, 12, 24));
  return { holidays, earlyCloses };
}

function yearOf(date: string): YearCalendar {
  const year = +date.slice(0, 4);
  let cal = years.get(year);
  if (!cal) years.set(year, cal = build(year));
  return cal;
}

export function isNyseHoliday(date: string): boolean {
  return yearOf(date).holidays.has(date);
}

export function isNyseEarlyClose(date: string): boolean {
  return yearOf(date).earlyCloses.has(date);
}

/** A year's full-day holidays and early closes, in date order (for tests and the docs). */
export function nyseYear(year: number): { holidays: string[]; earlyCloses: string[] } {
  const cal = yearOf(`${String(year).padStart(4, "0")}-01-01`);
  return { holidays: [...cal.holidays].sort(), earlyCloses: [...cal.earlyCloses].sort() };
}
