/**
 * The statistics by which generated order flow is compared with real markets' stylized facts
 * (Cont 2001): heavy tails and volatility clustering of returns, bursty arrivals, the trading
 * day's U-shape. Pure functions over numbers, for `compare`, the dashboard and the tests.
 */

/** Mean of a series (NaN for none). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}

/** Excess kurtosis (the normal law's is 0), the plain moment estimator. */
export function excessKurtosis(x: ArrayLike<number>): number {
  const m = mean(x);
  let m2 = 0, m4 = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] - m) * (x[i] - m);
    m2 += d;
    m4 += d * d;
  }
  m2 /= x.length;
  m4 /= x.length;
  return m4 / (m2 * m2) - 3;
}

/** Sample autocorrelation at `lag` (the usual estimator: the whole series' mean and variance). */
export function autocorrelation(x: ArrayLike<number>, lag: number): number {
  const m = mean(x);
  let num = 0, den = 0;
  for (let i = 0; i < x.length; i++) {
    den += (x[i] - m) * (x[i] - m);
    if (i + lag < x.length) num += (x[i] - m) * (x[i + lag] - m);
  }
  return num / den;
}

/** Standard deviation over mean (1 for a Poisson process's inter-arrival times). */
export function coefficientOfVariation(x: ArrayLike<number>): number {
  const m = mean(x);
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i] - m) * (x[i] - m);
  return Math.sqrt(v / x.length) / m;
}

/**
 * Mid prices of one session at the end of each interval (default a minute) from the open: feed
 * every event's time and the mid after it, in order; `closes()` gives the mid in force at each
 * interval's end (the opening mid while nothing has happened).
 */
export class IntervalSampler {
  private readonly ends: number[] = [];
  private readonly intervals: number;
  private last: number;

  constructor(
    private readonly openNs: number,
    seconds: number,
    openingMid: number,
    private readonly intervalSeconds = 60,
  ) {
    this.intervals = Math.floor(seconds / intervalSeconds);
    this.last = openingMid;
  }

  push(tsNs: number, mid: number): void {
    while (this.ends.length < this.intervals && tsNs >= this.boundary(this.ends.length)) {
      this.ends.push(this.last);
    }
    this.last = mid;
  }

  closes(): number[] {
    while (this.ends.length < this.intervals) this.ends.push(this.last);
    return this.ends;
  }

  /** The end of interval i. */
  private boundary(i: number): number {
    return this.openNs + (i + 1) * this.intervalSeconds * 1e9;
  }
}

/** Log returns between successive prices, with the session's opening price first. */
export function logReturns(open: number, closes: number[]): number[] {
  const out: number[] = [];
  let prev = open;
  for (const p of closes) {
    out.push(Math.log(p / prev));
    prev = p;
  }
  return out;
}

/** The stylized facts of a set of sessions, as `compare` reports them. */
export interface StylizedFacts {
  /** Of the interval returns (1 minute unless said). */
  excessKurtosis: number;
  /** ACF of |r| at lags 1..10. */
  absAcf: number[];
  /** ACF of r at lags 1..10. */
  acf: number[];
  /** Of the times between successive events within a session. */
  interArrivalCv: number;
  /** Events in the first and last 30 minutes over those of the middle 30 (of the whole session). */
  openRatio: number;
  closeRatio: number;
}

/** One session's raw material: its interval returns, inter-arrival times and event times. */
export interface SessionSample {
  returns: number[];
  interArrivals: number[];
  /** Events per 30 minutes from the open. */
  halfHours: number[];
}

/** Facts over sessions: returns and waits pooled; each lag's pairs taken within a session. */
export function stylizedFacts(sessions: SessionSample[]): StylizedFacts {
  const returns = sessions.flatMap((s) => s.returns);
  const waits = sessions.flatMap((s) => s.interArrivals);
  const lags = Array.from({ length: 10 }, (_, i) => i + 1);
  const halfHours: number[] = [];
  for (const s of sessions) s.halfHours.forEach((n, i) => halfHours[i] = (halfHours[i] ?? 0) + n);
  const middle = halfHours[Math.floor((halfHours.length - 1) / 2)];
  return {
    excessKurtosis: excessKurtosis(returns),
    absAcf: lags.map((k) => pooledAcf(sessions.map((s) => s.returns.map(Math.abs)), k)),
    acf: lags.map((k) => pooledAcf(sessions.map((s) => s.returns), k)),
    interArrivalCv: coefficientOfVariation(waits),
    openRatio: halfHours[0] / middle,
    closeRatio: halfHours[halfHours.length - 1] / middle,
  };
}

/** Autocorrelation at `lag` over several series: pooled mean and variance, pairs within each. */
export function pooledAcf(series: number[][], lag: number): number {
  let n = 0, s = 0;
  for (const x of series) for (const v of x) (n++, s += v);
  const m = s / n;
  let num = 0, den = 0;
  for (const x of series) {
    for (let i = 0; i < x.length; i++) {
      den += (x[i] - m) * (x[i] - m);
      if (i + lag < x.length) num += (x[i] - m) * (x[i + lag] - m);
    }
  }
  return num / den;
}
