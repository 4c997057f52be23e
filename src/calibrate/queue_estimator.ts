import type { ObservationSink } from "./observations.ts";

/** Spreads 0..SPREAD_BUCKETS-2 ticks each have cells of their own; wider ones share the last. */
export const SPREAD_BUCKETS = 16;

/** Where the estimator files sojourns: cells by queue size (in units, or in shares). */
export interface CellSink {
  add(side: number, level: number, n: number, dt: number, type: number): void;
  addExposure(side: number, level: number, n: number, dt: number): void;
}

/**
 * The estimator every source of observations feeds (calibration.md §4): one tracker per (side,
 * level) remembers when its queue's current sojourn began and the queue's size then. A source
 * owns the queue sizes (`bidDepth`, `askDepth`: levels 0..slots-1 in model units, updated in
 * place as it applies events) and, for each event, calls `event` before applying it and `after`
 * once it has.
 */
export class QueueEstimator implements ObservationSink {
  sojourns = 0;
  /** The spread (ticks) since the best prices last moved, with `bySpread`. */
  private spread = 0;
  private readonly slots: number;
  private readonly lastTime: Float64Array;
  private readonly lastN: Int32Array;
  private tracker = -1;

  constructor(
    private readonly cells: CellSink,
    /** Levels tracked: events on deeper levels are ignored. */
    private readonly useK: number,
    private readonly bidDepth: Int32Array,
    private readonly askDepth: Int32Array,
    /** Count the time at risk a price change (or the end) cuts short, without an event. */
    private readonly censored: boolean,
    t: number,
    /**
     * Also file each sojourn by the spread it had (constant: the trackers restart whenever a best
     * price moves), as level `level * SPREAD_BUCKETS + spread`; reads the spread from `prices`.
     */
    private readonly bySpread: CellSink | null = null,
    private readonly prices: { bidPrice: Int32Array; askPrice: Int32Array } | null = null,
  ) {
    this.slots = bidDepth.length;
    this.lastTime = new Float64Array(2 * this.slots);
    this.lastN = new Int32Array(2 * this.slots);
    this.restart(t);
  }

  /**
   * An event of `type` (0..5) on `side`'s `level` (-1 when it is on no level the source knows) at
   * time t, before it is applied: ends that queue's sojourn at its current size.
   */
  event(t: number, side: number, level: number, type: number): void {
    if (level < 0 || level >= this.useK) {
      this.tracker = -1;
      return;
    }
    const tracker = side * this.slots + level;
    const dt = t - this.lastTime[tracker];
    if (dt > 0) {
      this.cells.add(side, level, this.lastN[tracker], dt, type);
      this.bySpread?.add(side, level * SPREAD_BUCKETS + this.spread, this.lastN[tracker], dt, type);
      this.sojourns++;
    }
    this.lastTime[tracker] = t;
    this.lastN[tracker] = (side === 0 ? this.bidDepth : this.askDepth)[level];
    this.tracker = tracker;
  }

  /**
   * After the event is applied: when the best bid or ask price moved, every level is a different
   * price now and every sojourn starts again; otherwise the event's queue continues at its new size.
   */
  after(t: number, bestMoved: boolean): void {
    if (bestMoved) {
      if (this.censored) this.censor(t);
      this.restart(t);
    } else if (this.tracker >= 0) {
      const tracker = this.tracker;
      this.lastN[tracker] = tracker < this.slots
        ? this.bidDepth[tracker]
        : this.askDepth[tracker - this.slots];
    }
  }

  /** Every queue's sojourn starts at t, at its current size (a new sampling period, too). */
  restart(t: number): void {
    if (this.prices) {
      const spread = this.prices.askPrice[0] - this.prices.bidPrice[0];
      this.spread = Math.min(Math.max(spread, 0), SPREAD_BUCKETS - 1);
    }
    const slots = this.slots;
    for (let k = 0; k < slots; k++) {
      this.lastTime[k] = t;
      this.lastN[k] = this.bidDepth[k];
      this.lastTime[slots + k] = t;
      this.lastN[slots + k] = this.askDepth[k];
    }
  }

  /** Adds the time at risk of every tracked queue's unfinished sojourn, without an event. */
  censor(t: number): void {
    const tracked = Math.min(this.slots, this.useK);
    for (let side = 0; side <= 1; side++) {
      for (let k = 0; k < tracked; k++) {
        const tracker = side * this.slots + k;
        const dt = t - this.lastTime[tracker];
        if (dt > 0) {
          this.cells.addExposure(side, k, this.lastN[tracker], dt);
          this.bySpread?.addExposure(
            side,
            k * SPREAD_BUCKETS + this.spread,
            this.lastN[tracker],
            dt,
          );
        }
      }
    }
  }

  begin(t: number): void {
    this.restart(t);
  }

  /** The end of a sampling period (a halt, the close, a file's end): its open sojourns end. */
  end(t: number): void {
    if (this.censored) this.censor(t);
    this.restart(t);
  }
}
