import type { CurvesSource } from "../model/hlr_curves.ts";

/** The run flags a calibrated source can set. */
interface SourceFlags {
  p0: number;
  depth: number;
  seconds: number;
  "market-open": string;
}

/**
 * `run --hlr-curves FILE` simulates the calibrated source: its opening mid, its typical opening
 * depth (the median over levels of the median depth at the open, rounded, at least 1), its
 * session length and market open (to the minute) become the defaults; flags given still win.
 */
export function applyCurvesSource(
  v: SourceFlags,
  given: ReadonlySet<string>,
  source: CurvesSource | undefined,
): void {
  if (!source) return;
  if (!given.has("p0") && source.p0Ticks >= 1) v.p0 = Math.round(source.p0Ticks);
  if (!given.has("depth") && source.openingDepth.length > 0) {
    const sorted = [...source.openingDepth].sort((a, b) => a - b);
    v.depth = Math.max(1, Math.round(sorted[sorted.length >> 1]));
  }
  if (!given.has("seconds") && source.sessionSeconds >= 1) {
    v.seconds = Math.round(source.sessionSeconds);
  }
  if (!given.has("market-open") && source.marketOpenSeconds > 0) {
    const minutes = Math.floor(source.marketOpenSeconds / 60);
    if (minutes < 24 * 60) {
      const hh = String(Math.floor(minutes / 60)).padStart(2, "0");
      v["market-open"] = `${hh}:${String(minutes % 60).padStart(2, "0")}`;
    }
  }
}
