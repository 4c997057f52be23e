/** Trading dates: Monday to Friday, no holiday calendar (model.md §6). */
const DAY_MS = 86_400_000;

export function parseIsoDate(text: string): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!m) return null;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.toISOString().slice(0, 10) === text ? d : null;
}

export function nextWeekday(date: string): string {
  let t = parseIsoDate(date)!.getTime();
  do t += DAY_MS; while ([0, 6].includes(new Date(t).getUTCDay()));
  return new Date(t).toISOString().slice(0, 10);
}

/** Trading date of day `index`, counting from `start` (which is used as given). */
export function tradingDates(start: string): () => string {
  let current: string | null = null;
  return () => (current = current === null ? start : nextWeekday(current));
}

/** Seconds after midnight of a time of day written HH:MM; null when it is not one. */
export function clockSeconds(text: string): number | null {
  const m = /^(\d{2}):(\d{2})$/.exec(text);
  if (!m || +m[1] > 23 || +m[2] > 59) return null;
  return +m[1] * 3600 + +m[2] * 60;
}
