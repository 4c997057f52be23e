/**
 * Wall-clock times of a market's time zone as UTC instants, with the IANA time-zone data the
 * runtime carries (Intl.DateTimeFormat), so no time-zone library is needed.
 */

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(tz, f);
  }
  return f;
}

/** Whether `tz` is an IANA time zone the runtime knows (`America/New_York`, `UTC`, ...). */
export function isTimeZone(tz: string): boolean {
  if (tz === "") return false;
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

/** The zone's offset from UTC at an instant, in milliseconds (New York in winter: −5 h). */
export function utcOffsetMs(tz: string, utcMs: number): number {
  const whole = Math.floor(utcMs / 1000) * 1000;
  const p: Record<string, number> = {};
  for (const part of formatter(tz).formatToParts(new Date(whole))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - whole;
}

/**
 * The UTC instant of a wall-clock time, given as milliseconds on the zone's own calendar
 * (`Date.UTC` of its fields). A time skipped by a clock change moves forward by the change.
 */
export function wallToUtcMs(tz: string, wallMs: number): number {
  const guess = wallMs - utcOffsetMs(tz, wallMs);
  return wallMs - utcOffsetMs(tz, guess);
}

/**
 * One trading date's clock: `ts_ns` (nanoseconds since local midnight, as a wall clock) as a UTC
 * instant. The offset is looked up once for the date, or once a second on the rare date with a
 * clock change.
 */
export class MarketClock {
  private readonly midnightWallMs: number;
  /** The date's offset when it has one all day, else null. */
  private readonly offsetMs: number | null;
  private second = NaN;
  private utcSecondMs = 0;
  private utcSecondNs = 0n;
  private isoSecond = "";

  constructor(date: string, readonly tz: string) {
    this.midnightWallMs = Date.UTC(+date.slice(0, 4), +date.slice(5, 7) - 1, +date.slice(8, 10));
    const first = this.midnightWallMs - wallToUtcMs(tz, this.midnightWallMs);
    const lastWall = this.midnightWallMs + 86_399_000;
    const last = lastWall - wallToUtcMs(tz, lastWall);
    this.offsetMs = first === last ? first : null;
  }

  /** Moves to the whole second `tsNs` falls in. */
  private utcSecond(tsNs: number): void {
    const second = Math.floor(tsNs / 1e9);
    if (second !== this.second) {
      const wall = this.midnightWallMs + second * 1000;
      this.second = second;
      this.utcSecondMs = this.offsetMs === null ? wallToUtcMs(this.tz, wall) : wall - this.offsetMs;
      this.utcSecondNs = BigInt(this.utcSecondMs) * 1_000_000n;
      this.isoSecond = new Date(this.utcSecondMs).toISOString().slice(0, 19);
    }
  }

  /** Nanoseconds since 1970-01-01T00:00:00Z (beyond 2^53, hence a bigint). */
  epochNs(tsNs: number): bigint {
    this.utcSecond(tsNs);
    return this.utcSecondNs + BigInt(tsNs - this.second * 1e9);
  }

  /** ISO 8601 in UTC with nine decimals: `2026-03-06T15:00:00.004223116Z`. */
  iso(tsNs: number): string {
    this.utcSecond(tsNs);
    return `${this.isoSecond}.${String(tsNs - this.second * 1e9).padStart(9, "0")}Z`;
  }
}
