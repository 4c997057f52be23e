/**
 * Latencies in milliseconds, counted in buckets 5 % wide from 0.01 ms up (about 2 % error on a
 * quantile), so that histograms from several threads add up and differences between two
 * snapshots of one give an interval's figures. Each latency may stand for several events.
 */
const FIRST_MS = 0.01;
const STEP = Math.log(1.05);
const BUCKETS = 400; // up to about 3,000 s

/** What a histogram holds, as it crosses threads (structured clone) and into JSON. */
export interface LatencySnapshot {
  counts: number[];
  /** The largest latency seen, exactly. */
  maxMs: number;
}

export class LatencyHistogram {
  readonly counts = new Array<number>(BUCKETS).fill(0);
  maxMs = 0;

  add(ms: number, weight = 1): void {
    const i = ms <= FIRST_MS ? 0 : Math.min(BUCKETS - 1, Math.ceil(Math.log(ms / FIRST_MS) / STEP));
    this.counts[i] += weight;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  snapshot(): LatencySnapshot {
    return { counts: [...this.counts], maxMs: this.maxMs };
  }

  /** Adds `s` to this one; returns this. */
  merge(s: LatencySnapshot): this {
    s.counts.forEach((n, i) => this.counts[i] += n);
    this.maxMs = Math.max(this.maxMs, s.maxMs);
    return this;
  }

  get total(): number {
    return this.counts.reduce((a, b) => a + b, 0);
  }

  /** The latency below which a fraction `q` of the counted events are (a bucket's upper end). */
  quantile(q: number): number | null {
    const total = this.total;
    if (total === 0) return null;
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= q * total) return Math.min(upperMs(i), this.maxMs);
    }
    return this.maxMs;
  }

  /** What `later` counted that `earlier` had not (two snapshots of one histogram). */
  static between(earlier: LatencySnapshot | null, later: LatencySnapshot): LatencyHistogram {
    const h = new LatencyHistogram();
    later.counts.forEach((n, i) => h.counts[i] = n - (earlier?.counts[i] ?? 0));
    // The interval's largest is the upper end of its highest bucket, or the exact max if that
    // is where the all-time largest fell.
    const top = h.counts.findLastIndex((n) => n > 0);
    h.maxMs = top < 0 ? 0 : Math.min(upperMs(top), later.maxMs);
    return h;
  }
}

const upperMs = (i: number) => FIRST_MS * Math.exp(i * STEP);
