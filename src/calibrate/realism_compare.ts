import { EVENT_TYPE_NAMES } from "../core/events.ts";
import type { RealismStats } from "./realism_stats.ts";

/**
 * How a figure's distance is measured: `ks` the Kolmogorov-Smirnov statistic of two
 * distributions, `rel` the relative error |a - b| / max(|a|, |b|), `abs` the absolute difference
 * (for figures near zero, such as autocorrelations and excess kurtosis, where a relative error
 * says nothing).
 */
export type Measure = "ks" | "rel" | "abs";

export interface FigureDistance {
  /** What is compared, e.g. `rate ADD_BID level 0`, `queue size level 1`, `return 60s sd`. */
  name: string;
  /** The two values (for a distribution: its mean). */
  a: number;
  b: number;
  measure: Measure;
  distance: number;
  /** The distance is above the figure's threshold (THRESHOLDS): the sources differ there. */
  flagged: boolean;
}

/** Distances above these are flagged. */
export const THRESHOLDS: Record<Measure, number> = { ks: 0.05, rel: 0.05, abs: 0.1 };
/** Excess kurtosis is noisy: its absolute difference is flagged above this. */
const KURTOSIS_THRESHOLD = 0.5;

export function relativeError(a: number, b: number): number {
  const scale = Math.max(Math.abs(a), Math.abs(b));
  return scale > 0 ? Math.abs(a - b) / scale : 0;
}

/** The KS statistic of two discrete distributions over 0, 1, 2, ... (probabilities per value). */
export function ksDistance(p: number[], q: number[]): number {
  let cp = 0, cq = 0, worst = 0;
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    cp += p[i] ?? 0;
    cq += q[i] ?? 0;
    worst = Math.max(worst, Math.abs(cp - cq));
  }
  return worst;
}

function meanOf(p: number[]): number {
  return p.reduce((s, v, i) => s + v * i, 0);
}

/** Every figure of the realism report, side by side, with its distance. */
export function compareStats(a: RealismStats, b: RealismStats): FigureDistance[] {
  const out: FigureDistance[] = [];
  const push = (name: string, x: number, y: number, measure: Measure, threshold?: number) => {
    const distance = measure === "rel" ? relativeError(x, y) : Math.abs(x - y);
    out.push({
      name,
      a: x,
      b: y,
      measure,
      distance,
      flagged: distance > (threshold ?? THRESHOLDS[measure]),
    });
  };
  const dist = (name: string, p: number[], q: number[]) => {
    const distance = ksDistance(p, q);
    out.push({
      name,
      a: meanOf(p),
      b: meanOf(q),
      measure: "ks",
      distance,
      flagged: distance > THRESHOLDS.ks,
    });
  };
  push("events per second", a.events / (a.seconds || 1), b.events / (b.seconds || 1), "rel");
  EVENT_TYPE_NAMES.forEach((type, t) => {
    const levels = Math.max(a.rates[t].length, b.rates[t].length);
    for (let k = 0; k < levels; k++) {
      push(`rate ${type} level ${k}`, a.rates[t][k] ?? 0, b.rates[t][k] ?? 0, "rel");
    }
  });
  for (let k = 0; k < Math.max(a.levels, b.levels); k++) {
    dist(`queue size level ${k}`, a.queueSizes[k] ?? [], b.queueSizes[k] ?? []);
  }
  dist("spread (ticks)", a.spread, b.spread);
  push("inter-arrival mean (s)", a.interArrival.mean, b.interArrival.mean, "rel");
  push("inter-arrival CV", a.interArrival.cv, b.interArrival.cv, "rel");
  a.returns.forEach((ra, i) => {
    const rb = b.returns[i];
    const h = `return ${ra.horizon}s`;
    push(`${h} sd`, ra.sd, rb.sd, "rel");
    push(`${h} excess kurtosis`, ra.excessKurtosis, rb.excessKurtosis, "abs", KURTOSIS_THRESHOLD);
    ra.acfAbs.forEach((v, lag) => push(`${h} ACF |r| lag ${lag + 1}`, v, rb.acfAbs[lag], "abs"));
    ra.acf.forEach((v, lag) => push(`${h} ACF r lag ${lag + 1}`, v, rb.acf[lag], "abs"));
  });
  a.signature.forEach((s, i) =>
    push(`realised variance ${s.interval}s`, s.rv, b.signature[i].rv, "rel")
  );
  for (let i = 0; i < Math.max(a.intraday.length, b.intraday.length); i++) {
    const from = (i * 30).toString();
    push(`events in minutes ${from}-${i * 30 + 30}`, a.intraday[i] ?? 0, b.intraday[i] ?? 0, "rel");
  }
  return out;
}
