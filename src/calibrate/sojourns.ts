import type { HlrCurves } from "../model/hlr_curves.ts";
import { EventType } from "../core/events.ts";

export const BID = 0;
export const ASK = 1;
const TYPES = 6;
/** Per cell: the sojourn count, then one count per event type that ended a sojourn. */
const COUNTS = 1 + TYPES;

/**
 * Sojourn cells of calibration.md §4, one table per (side, level): for each queue size n, the
 * summed time the queue stayed at n, how many sojourns that was, and by which event type each
 * ended. Cells are flat typed arrays (side-major, then level, then n), grown on demand.
 */
export class SojournCells {
  private capacity = 128;
  private sumDt: Float64Array;
  private counts: Float64Array;

  constructor(readonly levels: number) {
    this.sumDt = new Float64Array(2 * levels * this.capacity);
    this.counts = new Float64Array(2 * levels * this.capacity * COUNTS);
  }

  add(side: number, level: number, n: number, dt: number, type: number): void {
    if (n >= this.capacity) this.grow(n);
    const cell = (side * this.levels + level) * this.capacity + n;
    this.sumDt[cell] += dt;
    this.counts[cell * COUNTS]++;
    this.counts[cell * COUNTS + 1 + type]++;
  }

  /** Time at risk at queue size n that no event ended (a censored sojourn): no count. */
  addExposure(side: number, level: number, n: number, dt: number): void {
    if (n >= this.capacity) this.grow(n);
    this.sumDt[(side * this.levels + level) * this.capacity + n] += dt;
  }

  /** Adds a whole cell: time at risk, sojourns, and sojourns by event type. */
  merge(
    side: number,
    level: number,
    n: number,
    dt: number,
    sojourns: number,
    byType: Float64Array,
  ) {
    if (n >= this.capacity) this.grow(n);
    const cell = (side * this.levels + level) * this.capacity + n;
    this.sumDt[cell] += dt;
    this.counts[cell * COUNTS] += sojourns;
    for (let t = 0; t < TYPES; t++) this.counts[cell * COUNTS + 1 + t] += byType[t];
  }

  /** Queue sizes 0..sizeLimit-1 may have data. */
  get sizeLimit(): number {
    return this.capacity;
  }

  /** Time at risk at queue size n. */
  time(side: number, level: number, n: number): number {
    if (n < 0 || n >= this.capacity) return 0;
    return this.sumDt[(side * this.levels + level) * this.capacity + n];
  }

  /** Sojourns at queue size n that an event of `type` ended. */
  countOf(side: number, level: number, n: number, type: number): number {
    if (n < 0 || n >= this.capacity) return 0;
    return this.counts[((side * this.levels + level) * this.capacity + n) * COUNTS + 1 + type];
  }

  /** Sojourns recorded at queue size n (0 where none were). */
  count(side: number, level: number, n: number): number {
    if (n < 0 || n >= this.capacity) return 0;
    return this.counts[((side * this.levels + level) * this.capacity + n) * COUNTS];
  }

  /** The largest queue size with a sojourn recorded, or -1 if there is none. */
  largestSize(side: number, level: number): number {
    for (let n = this.capacity - 1; n >= 0; n--) if (this.count(side, level, n) > 0) return n;
    return -1;
  }

  /** Sojourns recorded at every queue size together. */
  total(side: number, level: number): number {
    let sum = 0;
    for (let n = 0; n < this.capacity; n++) sum += this.count(side, level, n);
    return sum;
  }

  /**
   * The rate of `type` at queue size n, `(count / sum_dt) * (count_of_type / count)` evaluated in
   * that order (simplifying it can change the last bit), then sanitised; 0 without data.
   */
  rate(side: number, level: number, n: number, type: number): number {
    if (n < 0 || n >= this.capacity) return 0;
    const cell = (side * this.levels + level) * this.capacity + n;
    const count = this.counts[cell * COUNTS];
    const sumDt = this.sumDt[cell];
    if (count === 0 || !(sumDt > 0)) return 0;
    const lambda = (count / sumDt) * (this.counts[cell * COUNTS + 1 + type] / count);
    if (!Number.isFinite(lambda) || lambda < 0) return 0;
    return lambda > 0 && lambda < 1e-12 ? 1e-12 : lambda;
  }

  private grow(n: number): void {
    let capacity = this.capacity;
    while (capacity <= n) capacity *= 2;
    const sumDt = new Float64Array(2 * this.levels * capacity);
    const counts = new Float64Array(2 * this.levels * capacity * COUNTS);
    for (let table = 0; table < 2 * this.levels; table++) {
      sumDt.set(
        this.sumDt.subarray(table * this.capacity, (table + 1) * this.capacity),
        table * capacity,
      );
      counts.set(
        this.counts.subarray(table * this.capacity * COUNTS, (table + 1) * this.capacity * COUNTS),
        table * capacity * COUNTS,
      );
    }
    this.capacity = capacity;
    this.sumDt = sumDt;
    this.counts = counts;
  }
}

/** The six tables of a curves file (calibration.md §4), each with entries for n = 0..nMax. */
export type CurveTables = Pick<
  HlrCurves,
  "addBid" | "addAsk" | "cancelBid" | "cancelAsk" | "marketBuy" | "marketSell"
>;

export function curveTables(cells: SojournCells, nMax: number): CurveTables {
  const size = Math.max(nMax + 1, 0);
  const table = (side: number, level: number, type: number) => {
    const out = new Float64Array(size);
    for (let n = 0; n < size; n++) out[n] = cells.rate(side, level, n, type);
    return out;
  };
  const perLevel = (side: number, type: number) =>
    Array.from({ length: cells.levels }, (_, level) => table(side, level, type));
  return {
    addBid: perLevel(BID, EventType.ADD_BID),
    addAsk: perLevel(ASK, EventType.ADD_ASK),
    cancelBid: perLevel(BID, EventType.CANCEL_BID),
    cancelAsk: perLevel(ASK, EventType.CANCEL_ASK),
    marketBuy: table(ASK, 0, EventType.EXECUTE_BUY),
    marketSell: table(BID, 0, EventType.EXECUTE_SELL),
  };
}
