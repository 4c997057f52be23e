import { EVENT_TYPE_NAMES } from "../core/events.ts";
import type { LevelBook, ObservationSink } from "./observations.ts";

/** Horizons of the mid-price returns, in seconds. */
export const RETURN_HORIZONS = [1, 10, 60] as const;
/** Sampling intervals of the signature plot, in seconds. */
export const SIGNATURE_INTERVALS = [1, 2, 5, 10, 20, 30, 60, 120, 300] as const;
export const ACF_LAGS = 10;
/** Width of a bucket of the intraday profile, in seconds. */
export const INTRADAY_BUCKET = 1800;
/** Queue sizes and spreads at or beyond these share the last histogram bin. */
const QUEUE_BINS = 201;
const SPREAD_BINS = 51;

export interface ReturnStats {
  horizon: number;
  count: number;
  sd: number;
  excessKurtosis: number;
  /** Autocorrelation of |r| and of r at lags 1..ACF_LAGS. */
  acfAbs: number[];
  acf: number[];
}

/** The realism report's figures for one source (JSON-ready: plain numbers and arrays). */
export interface RealismStats {
  levels: number;
  /** Periods observed (sessions, or the trading between halts) and their total length. */
  periods: number;
  seconds: number;
  events: number;
  /** Events per second by type (EVENT_TYPE_NAMES order) and level; executions are level 0. */
  rates: number[][];
  /** Per level, the fraction of time a queue (both sides pooled) had size n (last bin: n or more). */
  queueSizes: number[][];
  /** The fraction of time the spread was s ticks (index s; last bin: s or more). */
  spread: number[];
  interArrival: { mean: number; cv: number };
  returns: ReturnStats[];
  /** Realised variance of log mid returns per second, by sampling interval. */
  signature: { interval: number; rv: number }[];
  /** Events per 30 minutes from the start of a period, averaged over the periods. */
  intraday: number[];
}

/**
 * Collects the realism figures from a stream of observations. Time-weighted figures (queue
 * sizes, spread) use the book as it stood between events; returns use the mid sampled every
 * second from the start of each period, log returns over non-overlapping intervals.
 */
export class RealismAccumulator implements ObservationSink {
  private readonly levels: number;
  private readonly counts: Float64Array;
  private readonly queueTime: Float64Array;
  private readonly spreadTime = new Float64Array(SPREAD_BINS);
  private readonly intradayCounts: number[] = [];
  private periods = 0;
  private seconds = 0;
  private events = 0;
  private gapSum = 0;
  private gapSquares = 0;
  private gaps = 0;
  private lastT = 0;
  private lastEvent = NaN;
  private periodStart = 0;
  private open = false;
  private nextGrid = 0;
  private mid = NaN;
  private mids: number[] = [];
  private readonly returns: number[][] = RETURN_HORIZONS.map(() => []);
  private readonly signatureSum = new Float64Array(SIGNATURE_INTERVALS.length);
  private readonly signatureTime = new Float64Array(SIGNATURE_INTERVALS.length);

  private book: LevelBook | null = null;

  constructor(levels: number) {
    this.levels = levels;
    this.counts = new Float64Array(EVENT_TYPE_NAMES.length * this.levels);
    this.queueTime = new Float64Array(this.levels * QUEUE_BINS);
  }

  /** The book the next periods are observed on (each `.qrsdp` file has its own). */
  attach(book: LevelBook): this {
    this.book = book;
    return this;
  }

  begin(t: number): void {
    if (this.open) this.end(t);
    this.open = true;
    this.periods++;
    this.periodStart = this.lastT = this.nextGrid = t;
    this.lastEvent = NaN;
    this.mids = [];
    this.mid = this.currentMid(NaN);
  }

  event(t: number, _side: number, level: number, type: number): void {
    if (!this.open) this.begin(t);
    this.advance(t);
    this.events++;
    if (level >= 0 && level < this.levels) this.counts[type * this.levels + level]++;
    if (this.lastEvent === this.lastEvent) {
      const gap = t - this.lastEvent;
      this.gapSum += gap;
      this.gapSquares += gap * gap;
      this.gaps++;
    }
    this.lastEvent = t;
    const bucket = Math.floor((t - this.periodStart) / INTRADAY_BUCKET);
    while (this.intradayCounts.length <= bucket) this.intradayCounts.push(0);
    this.intradayCounts[bucket]++;
  }

  after(_t: number, bestMoved: boolean): void {
    if (bestMoved) this.mid = this.currentMid(this.mid);
  }

  end(t: number): void {
    if (!this.open) return;
    this.advance(t);
    if (this.nextGrid <= t) this.mids.push(this.mid);
    this.open = false;
    this.seconds += t - this.periodStart;
    const mids = this.mids;
    RETURN_HORIZONS.forEach((h, i) => {
      for (let j = h; j < mids.length; j += h) {
        this.returns[i].push(Math.log(mids[j] / mids[j - h]));
      }
    });
    SIGNATURE_INTERVALS.forEach((d, i) => {
      for (let j = d; j < mids.length; j += d) {
        const r = Math.log(mids[j] / mids[j - d]);
        this.signatureSum[i] += r * r;
        this.signatureTime[i] += d;
      }
    });
  }

  /** The time-weighted figures up to t, with the book as it stood since the last event. */
  private advance(t: number): void {
    const dt = t - this.lastT;
    while (this.nextGrid < t) {
      this.mids.push(this.mid);
      this.nextGrid += 1;
    }
    if (!(dt > 0)) return;
    const b = this.book!;
    for (let k = 0; k < Math.min(this.levels, b.bidDepth.length); k++) {
      this.queueTime[k * QUEUE_BINS + Math.min(Math.max(b.bidDepth[k], 0), QUEUE_BINS - 1)] += dt;
      this.queueTime[k * QUEUE_BINS + Math.min(Math.max(b.askDepth[k], 0), QUEUE_BINS - 1)] += dt;
    }
    const spread = b.askPrice[0] - b.bidPrice[0];
    if (spread > 0) this.spreadTime[Math.min(spread, SPREAD_BINS - 1)] += dt;
    this.lastT = t;
  }

  private currentMid(previous: number): number {
    const bid = this.book!.bidPrice[0], ask = this.book!.askPrice[0];
    return bid > 0 && ask > bid ? (bid + ask) / 2 : previous;
  }

  stats(): RealismStats {
    const levels = this.levels;
    const perSecond = (n: number) => this.seconds > 0 ? n / this.seconds : 0;
    const rates = EVENT_TYPE_NAMES.map((_, type) =>
      Array.from(
        { length: type >= 4 ? 1 : levels },
        (_, k) => perSecond(this.counts[type * levels + k]),
      )
    );
    const queueSizes = Array.from(
      { length: levels },
      (_, k) => trimmed(normalised(this.queueTime.subarray(k * QUEUE_BINS, (k + 1) * QUEUE_BINS))),
    );
    const mean = this.gaps > 0 ? this.gapSum / this.gaps : 0;
    const variance = this.gaps > 0 ? this.gapSquares / this.gaps - mean * mean : 0;
    return {
      levels,
      periods: this.periods,
      seconds: this.seconds,
      events: this.events,
      rates,
      queueSizes,
      spread: trimmed(normalised(this.spreadTime)),
      interArrival: { mean, cv: mean > 0 ? Math.sqrt(Math.max(variance, 0)) / mean : 0 },
      returns: RETURN_HORIZONS.map((horizon, i) => returnStats(horizon, this.returns[i])),
      signature: SIGNATURE_INTERVALS.map((interval, i) => ({
        interval,
        rv: this.signatureTime[i] > 0 ? this.signatureSum[i] / this.signatureTime[i] : 0,
      })),
      intraday: this.intradayCounts.map((n) => n / Math.max(this.periods, 1)),
    };
  }
}

function normalised(values: Float64Array): number[] {
  let total = 0;
  for (const v of values) total += v;
  return Array.from(values, (v) => total > 0 ? v / total : 0);
}

/** Without the trailing zero bins. */
function trimmed(values: number[]): number[] {
  let end = values.length;
  while (end > 0 && values[end - 1] === 0) end--;
  return values.slice(0, end);
}

export function returnStats(horizon: number, r: ArrayLike<number>): ReturnStats {
  const n = r.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += r[i];
  mean = n > 0 ? mean / n : 0;
  let m2 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const d = (r[i] - mean) ** 2;
    m2 += d;
    m4 += d * d;
  }
  m2 = n > 0 ? m2 / n : 0;
  m4 = n > 0 ? m4 / n : 0;
  const abs = Array.from(r, Math.abs);
  return {
    horizon,
    count: n,
    sd: Math.sqrt(m2),
    excessKurtosis: m2 > 0 ? m4 / (m2 * m2) - 3 : 0,
    acfAbs: autocorrelations(abs, ACF_LAGS),
    acf: autocorrelations(Array.from(r), ACF_LAGS),
  };
}

/** Sample autocorrelations at lags 1..lags (0 where the series is constant or too short). */
export function autocorrelations(x: number[], lags: number): number[] {
  const n = x.length;
  const mean = n > 0 ? x.reduce((s, v) => s + v, 0) / n : 0;
  let denominator = 0;
  for (const v of x) denominator += (v - mean) ** 2;
  return Array.from({ length: lags }, (_, i) => {
    const lag = i + 1;
    if (!(denominator > 0) || lag >= n) return 0;
    let sum = 0;
    for (let j = 0; j + lag < n; j++) sum += (x[j] - mean) * (x[j + lag] - mean);
    return sum / denominator;
  });
}
