/** What the progress line shows, gathered over every security of a run. */
export interface ProgressView {
  /** Symbols of the securities (null: the unnamed one). */
  symbols: (string | null)[];
  /** 1-based day of the security that is furthest behind. */
  day: number;
  /** Days per security; 0 when the run goes on until stopped. */
  days: number;
  /** Simulated clock of that security (nanoseconds after midnight), null before its first event. */
  clockNs: number | null;
  /** Events generated so far, all securities. */
  events: number;
  elapsedSeconds: number;
  /** Share of the run done, 0..1, when the run has an end; null when it has none. */
  fraction: number | null;
}

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return String(Math.round(n));
}

function clock(ns: number): string {
  const s = Math.floor(ns / 1e9);
  const two = (n: number) => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  const two = (n: number) => String(n).padStart(2, "0");
  const h = Math.floor(s / 3600);
  return h > 0
    ? `${h}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`
    : `${Math.floor(s / 60)}:${two(s % 60)}`;
}

/** The securities by name when they fit, else by count. */
function labels(symbols: (string | null)[]): string[] {
  if (symbols.length === 1) return [symbols[0] ?? "events"];
  return [symbols.join(","), `${symbols.length} securities`];
}

/**
 * The one-line status of a run, never longer than `width - 1` columns (a line as wide as the
 * terminal would leave the cursor past its end and wrap at the next redraw). Parts are dropped
 * from the least useful when the line does not fit: the event count, the rate, then the ETA.
 */
export function progressLine(v: ProgressView, width: number): string {
  const max = Math.max(width - 1, 1);
  const rate = v.elapsedSeconds > 0 ? v.events / v.elapsedSeconds : 0;
  const eta = v.fraction !== null && v.fraction > 0 && v.fraction < 1
    ? `ETA ${duration(v.elapsedSeconds * (1 - v.fraction) / v.fraction)}`
    : null;
  const day = v.days > 0 ? `day ${v.day}/${v.days}` : `day ${v.day}`;
  const tail = [day, v.clockNs === null ? null : clock(v.clockNs)].filter((p) => p !== null);
  const heads = labels(v.symbols).map((l) => [l, ...tail].join(" "));
  const head = heads.find((h) => h.length <= max) ?? heads[heads.length - 1];
  const optional = [eta, `${compact(rate)} ev/s`, `${compact(v.events)} events`];
  for (let keep = optional.length; keep >= 0; keep--) {
    const line = [head, ...optional.slice(0, keep).filter((p) => p !== null)].join(" | ");
    if (line.length <= max) return line;
  }
  return head.slice(0, max);
}
