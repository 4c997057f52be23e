import type { Mt19937_64 } from "../core/rng.ts";
import { EventType } from "../core/events.ts";

/** Deepest book the model keeps per side. */
export const MAX_LEVELS = 64;
const MAX_SHIFTS = 64;

/**
 * The K-level book of model.md §2. Slots are `{price, depth}` per side; slot 0 is the best.
 * Prices are located by `best - price` (bid) or `price - best` (ask), which assumes the slots
 * are one tick apart: after a spread improvement they are not, and that quirk is kept on
 * purpose for seed compatibility.
 */
export class Book {
  readonly levels: number;
  readonly bidPrice: Int32Array;
  readonly bidDepth: Int32Array;
  readonly askPrice: Int32Array;
  readonly askDepth: Int32Array;
  readonly initialDepth: number;

  constructor(levelsPerSide: number, initialDepth: number) {
    this.levels = Math.min(levelsPerSide, MAX_LEVELS) || 1;
    this.initialDepth = initialDepth === 0 ? 50 : initialDepth;
    this.bidPrice = new Int32Array(this.levels);
    this.bidDepth = new Int32Array(this.levels);
    this.askPrice = new Int32Array(this.levels);
    this.askDepth = new Int32Array(this.levels);
  }

  seed(p0Ticks: number, spreadTicks: number): void {
    const spread = spreadTicks === 0 ? 2 : spreadTicks;
    const half = Math.floor(spread / 2);
    const bestBid = p0Ticks - half;
    const bestAsk = p0Ticks + spread - half;
    for (let k = 0; k < this.levels; k++) {
      this.bidPrice[k] = bestBid - k;
      this.bidDepth[k] = this.initialDepth;
      this.askPrice[k] = bestAsk + k;
      this.askDepth[k] = this.initialDepth;
    }
  }

  /** Opening price of the next session: the mid, truncated toward zero. */
  closePrice(): number {
    return Math.trunc((this.bidPrice[0] + this.askPrice[0]) / 2);
  }

  apply(type: number, price: number, qty: number): void {
    switch (type) {
      case EventType.ADD_BID:
        return this.add(this.bidPrice, this.bidDepth, this.bidPrice[0] - price, price, qty, true);
      case EventType.ADD_ASK:
        return this.add(this.askPrice, this.askDepth, price - this.askPrice[0], price, qty, false);
      case EventType.CANCEL_BID:
        return this.cancel(this.bidPrice, this.bidDepth, this.bidPrice[0] - price, qty, -1);
      case EventType.CANCEL_ASK:
        return this.cancel(this.askPrice, this.askDepth, price - this.askPrice[0], qty, 1);
      case EventType.EXECUTE_BUY:
        return this.execute(this.askPrice, this.askDepth, 1);
      case EventType.EXECUTE_SELL:
        return this.execute(this.bidPrice, this.bidDepth, -1);
    }
  }

  private add(
    prices: Int32Array,
    depths: Int32Array,
    idx: number,
    price: number,
    qty: number,
    isBid: boolean,
  ): void {
    const inSpread = isBid
      ? price > this.bidPrice[0] && price < this.askPrice[0]
      : price < this.askPrice[0] && price > this.bidPrice[0];
    if (inSpread) {
      for (let k = this.levels - 1; k > 0; k--) {
        prices[k] = prices[k - 1];
        depths[k] = depths[k - 1];
      }
      prices[0] = price;
      depths[0] = qty;
    } else if (idx >= 0 && idx < this.levels) {
      depths[idx] += qty;
    }
  }

  private cancel(
    prices: Int32Array,
    depths: Int32Array,
    idx: number,
    qty: number,
    outward: number,
  ): void {
    if (idx < 0 || idx >= this.levels) return;
    const was = depths[idx] > 0;
    depths[idx] = Math.max(depths[idx] - qty, 0);
    if (idx === 0 && depths[0] === 0 && was) this.shift(prices, depths, outward);
  }

  private execute(prices: Int32Array, depths: Int32Array, outward: number): void {
    if (depths[0] > 0) {
      depths[0]--;
      if (depths[0] === 0) this.shift(prices, depths, outward);
    }
  }

  /** Drops the emptied best slot; a fresh slot appears one tick beyond the deepest. */
  private shift(prices: Int32Array, depths: Int32Array, outward: number): void {
    const k = this.levels;
    for (let n = 0; n < MAX_SHIFTS && depths[0] <= 0; n++) {
      if (k <= 1) {
        prices[0] += outward;
        depths[0] = this.initialDepth;
      } else {
        for (let i = 1; i < k; i++) {
          prices[i - 1] = prices[i];
          depths[i - 1] = depths[i];
        }
        prices[k - 1] = prices[k - 2] + outward;
        depths[k - 1] = this.initialDepth;
      }
    }
  }

  /** Every slot's depth becomes a Poisson draw (one uniform each, inverse CDF). */
  reinitialise(rng: Mt19937_64, mean: number): void {
    for (let k = 0; k < this.levels; k++) {
      this.bidDepth[k] = poisson(rng, mean);
      this.askDepth[k] = poisson(rng, mean);
    }
  }
}

function poisson(rng: Mt19937_64, mean: number): number {
  let u = rng.uniform();
  if (u <= 0 || u >= 1) u = 0.5;
  let p = Math.exp(-mean);
  let s = p;
  let k = 0;
  while (u > s) {
    k++;
    p *= mean / k;
    s += p;
  }
  return k;
}
