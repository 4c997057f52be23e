import { Book } from "../book/book.ts";
import { EVENT_TYPE_NAMES } from "../core/events.ts";
import { LogReader } from "../format/log_reader.ts";

export interface Histogram {
  /** Bin edges, one more than counts. */
  edges: number[];
  counts: number[];
  /** Counts a fitted distribution expects per bin. */
  fitted: number[];
}

export interface ReturnStats {
  horizonSeconds: number;
  n: number;
  mean: number;
  std: number;
  /** Excess kurtosis: 0 for a normal distribution. */
  kurtosis: number;
  histogram: Histogram;
}

export interface Analysis {
  date: string;
  events: number;
  sessionSeconds: number;
  /** 1-minute candles of the mid price in ticks: [minute, open, high, low, close]. */
  candles: number[][];
  /** Log returns in basis points against a normal of the same mean and deviation. */
  returns: ReturnStats[];
  /** Autocorrelation of 1-second returns and of their absolute values, lags 1..50. */
  acf: { lags: number[]; returns: number[]; absReturns: number[] };
  /** Seconds between events against an exponential of the same mean. */
  interArrival: Histogram & { mean: number; rate: number; cv: number };
  /** Share of session time at each spread in ticks (100 stands for 100 and wider). */
  spread: { ticks: number[]; share: number[] };
  eventMix: Record<string, number>;
  /** Events in each 30 minutes of the session (the trading day's shape). */
  activity: { minutes: number[]; events: number[] };
}

const HALF_HOUR_NS = 1800e9;

const RETURN_HORIZONS = [1, 10, 60];
const MAX_LAG = 50;
const BINS = 41;
const MAX_SPREAD = 100;

/** Statistics of one recorded session, with the book rebuilt from its events. */
export function analyseSession(path: string, date: string): Analysis {
  const reader = LogReader.open(path);
  const h = reader.header;
  const book = new Book(h.levelsPerSide, h.initialDepth);
  book.seed(h.p0Ticks, h.initialSpreadTicks);
  const open = h.marketOpenNs;
  const seconds = h.sessionSeconds;
  const mix = new Array(EVENT_TYPE_NAMES.length).fill(0);
  const halfHours = new Array(Math.max(1, Math.ceil(seconds / 1800))).fill(0);
  const candles: number[][] = [];
  // Mid at each whole second of the session (the state just before that second).
  const perSecond = new Float64Array(seconds + 1);
  let second = 0;
  let nextSecondNs = open;
  let mid = (book.bidPrice[0] + book.askPrice[0]) / 2;
  let spread = book.askPrice[0] - book.bidPrice[0];
  // Nanoseconds spent at each spread in ticks; wider spreads share the last slot.
  const spreadNs = new Float64Array(MAX_SPREAD + 1);
  let lastTs = open;
  // Grows as the file streams by: its record count is known only at its end.
  let gaps = new Float64Array(1 << 16);
  let events = 0;
  let minute = 0, minuteEndNs = open + 60e9;
  let c = [0, mid, mid, mid, mid];
  candles.push(c);
  try {
    reader.forEach((r) => {
      const ts = r.tsNs;
      while (nextSecondNs <= ts && second <= seconds) {
        perSecond[second++] = mid;
        nextSecondNs += 1e9;
      }
      spreadNs[spread < MAX_SPREAD ? spread : MAX_SPREAD] += ts - lastTs;
      if (events > 0) {
        if (events > gaps.length) {
          const grown = new Float64Array(gaps.length * 2);
          grown.set(gaps);
          gaps = grown;
        }
        gaps[events - 1] = (ts - lastTs) / 1e9;
      }
      lastTs = ts;
      book.apply(r.type, r.priceTicks, r.qty);
      mix[r.type]++;
      halfHours[Math.min(Math.floor((ts - open) / HALF_HOUR_NS), halfHours.length - 1)]++;
      events++;
      mid = (book.bidPrice[0] + book.askPrice[0]) / 2;
      spread = book.askPrice[0] - book.bidPrice[0];
      if (ts >= minuteEndNs) {
        minute = Math.floor((ts - open) / 60e9);
        minuteEndNs = open + (minute + 1) * 60e9;
        c = [minute, mid, mid, mid, mid];
        candles.push(c);
      } else {
        if (mid > c[2]) c[2] = mid;
        if (mid < c[3]) c[3] = mid;
        c[4] = mid;
      }
    });
  } finally {
    reader.close();
  }
  while (second <= seconds) perSecond[second++] = mid;
  spreadNs[spread < MAX_SPREAD ? spread : MAX_SPREAD] += open + seconds * 1e9 - lastTs;
  return analysisOf({
    date,
    events,
    seconds,
    candles,
    perSecond,
    spreadTime: spreadNs,
    totalTime: seconds * 1e9,
    gaps: gaps.subarray(0, Math.max(events - 1, 0)),
    mix,
    halfHours,
  });
}

/** What a pass over a session gathers, for `analysisOf`. */
export interface SessionParts {
  date: string;
  events: number;
  seconds: number;
  /** 1-minute candles of the mid in ticks: [minute, open, high, low, close]. */
  candles: number[][];
  /** The mid at each whole second of the session, from its start. */
  perSecond: ArrayLike<number>;
  /** Time at each spread in ticks (the last slot: that and wider), and the session's, in one unit. */
  spreadTime: Float64Array;
  totalTime: number;
  /** Seconds between events. */
  gaps: Float64Array;
  /** Events by type (EVENT_TYPE_NAMES order) and by 30 minutes from the start. */
  mix: number[];
  halfHours: number[];
}

/** Spreads at or beyond this share the last slot of `spreadTime`. */
export const MAX_SPREAD_TICKS = MAX_SPREAD;

/** The analysis of a session from what a pass over it gathered. */
export function analysisOf(p: SessionParts): Analysis {
  const returns = RETURN_HORIZONS.map((k) => returnStats(p.perSecond, k));
  const r1 = logReturns(p.perSecond, 1);
  const lags = Array.from({ length: MAX_LAG }, (_, i) => i + 1);
  const ticks: number[] = [];
  for (let t = 0; t <= MAX_SPREAD; t++) if (p.spreadTime[t] > 0) ticks.push(t);
  return {
    date: p.date,
    events: p.events,
    sessionSeconds: p.seconds,
    candles: p.candles,
    returns,
    acf: {
      lags,
      returns: lags.map((l) => autocorrelation(r1, l)),
      absReturns: lags.map((l) => autocorrelation(r1.map(Math.abs), l)),
    },
    interArrival: interArrivals(p.gaps),
    spread: { ticks, share: ticks.map((t) => p.spreadTime[t] / p.totalTime) },
    eventMix: Object.fromEntries(EVENT_TYPE_NAMES.map((n, i) => [n, p.mix[i]])),
    activity: { minutes: p.halfHours.map((_, i) => i * 30), events: p.halfHours },
  };
}

export function logReturns(series: ArrayLike<number>, step: number): number[] {
  const out: number[] = [];
  for (let i = step; i < series.length; i += step) {
    out.push(Math.log(series[i] / series[i - step]) * 1e4);
  }
  return out;
}

export function moments(xs: ArrayLike<number>): { mean: number; std: number; kurtosis: number } {
  const n = xs.length;
  if (n === 0) return { mean: 0, std: 0, kurtosis: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += xs[i];
  const mean = sum / n;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (xs[i] - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 /= n;
  m4 /= n;
  return { mean, std: Math.sqrt(m2), kurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0 };
}

function returnStats(perSecond: ArrayLike<number>, horizon: number): ReturnStats {
  const xs = logReturns(perSecond, horizon);
  const { mean, std, kurtosis } = moments(xs);
  const half = Math.max(4 * std, 1e-9);
  const edges = Array.from({ length: BINS + 1 }, (_, i) => mean - half + (2 * half * i) / BINS);
  const counts = new Array(BINS).fill(0);
  for (const x of xs) {
    const i = Math.floor(((x - edges[0]) / (2 * half)) * BINS);
    if (i >= 0 && i < BINS) counts[i]++;
  }
  const cdf = (x: number) => std > 0 ? normalCdf((x - mean) / std) : x >= mean ? 1 : 0;
  const fitted = counts.map((_, i) => xs.length * (cdf(edges[i + 1]) - cdf(edges[i])));
  return {
    horizonSeconds: horizon,
    n: xs.length,
    mean,
    std,
    kurtosis,
    histogram: { edges, counts, fitted },
  };
}

export function autocorrelation(xs: number[], lag: number): number {
  const n = xs.length;
  if (lag >= n) return 0;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let num = 0, den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i] - mean;
    den += d * d;
    if (i + lag < n) num += d * (xs[i + lag] - mean);
  }
  return den > 0 ? num / den : 0;
}

function interArrivals(gaps: Float64Array) {
  const { mean, std } = moments(gaps);
  const rate = mean > 0 ? 1 / mean : 0;
  const top = Math.max(quantile(gaps, 0.99), 1e-9);
  const edges = Array.from({ length: BINS + 1 }, (_, i) => (top * i) / BINS);
  const counts = new Array(BINS).fill(0);
  for (const g of gaps) {
    const i = Math.floor((g / top) * BINS);
    if (i < BINS) counts[i]++;
  }
  const fitted = counts.map((_, i) =>
    gaps.length * (Math.exp(-rate * edges[i]) - Math.exp(-rate * edges[i + 1]))
  );
  return { edges, counts, fitted, mean, rate, cv: mean > 0 ? std / mean : 0 };
}

/** The q-quantile to within 1/4096 of the range, by counting (no sort of a day's gaps). */
function quantile(xs: Float64Array, q: number): number {
  if (xs.length === 0) return 0;
  let max = 0;
  for (let i = 0; i < xs.length; i++) if (xs[i] > max) max = xs[i];
  if (max <= 0) return 0;
  const bins = new Uint32Array(4096);
  for (let i = 0; i < xs.length; i++) bins[Math.min(4095, Math.floor((xs[i] / max) * 4096))]++;
  let seen = 0;
  for (let b = 0; b < 4096; b++) {
    seen += bins[b];
    if (seen >= q * xs.length) return ((b + 1) / 4096) * max;
  }
  return max;
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, error below 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const poly = t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
