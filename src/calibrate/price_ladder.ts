/**
 * Shares resting at each price, per side, in a dense window of ticks that grows as prices
 * arrive: the book of price levels rebuilt from messages (LOBSTER's, or an L3 book's changes).
 */
export class PriceLadder {
  /** Tick of index 0. */
  private base = 0;
  private bids = new Float64Array(0);
  private asks = new Float64Array(0);
  /** Index of the best bid / ask, -1 when that side is empty. */
  private bestBidIndex = -1;
  private bestAskIndex = -1;

  get bestBid(): number {
    return this.bestBidIndex < 0 ? -1 : this.base + this.bestBidIndex;
  }

  get bestAsk(): number {
    return this.bestAskIndex < 0 ? -1 : this.base + this.bestAskIndex;
  }

  /** Shares at a price (ticks) on a side (0 bid, 1 ask). */
  shares(side: number, tick: number): number {
    const i = tick - this.base;
    if (i < 0 || i >= this.bids.length) return 0;
    return side === 0 ? this.bids[i] : this.asks[i];
  }

  /**
   * Adds `delta` shares (negative: removes) at a price; the level never goes below 0. Returns the
   * shares that could not be removed (more removed than the ladder held), 0 normally.
   */
  change(side: number, tick: number, delta: number): number {
    this.reach(tick);
    const i = tick - this.base;
    const levels = side === 0 ? this.bids : this.asks;
    const before = levels[i];
    const after = before + delta;
    levels[i] = Math.max(after, 0);
    if (side === 0) {
      if (levels[i] > 0 && i > this.bestBidIndex) this.bestBidIndex = i;
      else if (levels[i] === 0 && i === this.bestBidIndex) this.bestBidIndex = this.below(i);
    } else {
      if (levels[i] > 0 && (this.bestAskIndex < 0 || i < this.bestAskIndex)) this.bestAskIndex = i;
      else if (levels[i] === 0 && i === this.bestAskIndex) this.bestAskIndex = this.above(i);
    }
    return after < 0 ? -after : 0;
  }

  /**
   * Sets one side to the `n` levels given (ticks best first, and their shares): the side's best
   * becomes the first, and every other price from the best (the old one too, when it was better)
   * to the last level is emptied; `whole`: every price beyond the last as well.
   */
  load(side: number, ticks: Float64Array, shares: Float64Array, n: number, whole: boolean): void {
    const levels = side === 0 ? this.bids : this.asks;
    if (n === 0) {
      levels.fill(0);
      if (side === 0) this.bestBidIndex = -1;
      else this.bestAskIndex = -1;
      return;
    }
    this.reach(ticks[0]);
    this.reach(ticks[n - 1]);
    const target = side === 0 ? this.bids : this.asks, base = this.base;
    const best = ticks[0] - base, last = ticks[n - 1] - base;
    if (side === 0) {
      const old = this.bestBidIndex;
      if (whole) target.fill(0, 0, Math.max(old, best) + 1);
      else target.fill(0, last, Math.max(old, best) + 1);
      this.bestBidIndex = best;
    } else {
      const old = this.bestAskIndex;
      const from = old >= 0 ? Math.min(old, best) : best;
      target.fill(0, from, whole ? target.length : last + 1);
      this.bestAskIndex = best;
    }
    for (let l = 0; l < n; l++) target[ticks[l] - base] = shares[l];
  }

  /** Empties both sides. */
  clear(): void {
    this.bids.fill(0);
    this.asks.fill(0);
    this.bestBidIndex = this.bestAskIndex = -1;
  }

  private below(i: number): number {
    for (let j = i - 1; j >= 0; j--) if (this.bids[j] > 0) return j;
    return -1;
  }

  private above(i: number): number {
    for (let j = i + 1; j < this.asks.length; j++) if (this.asks[j] > 0) return j;
    return -1;
  }

  /** Grows the window to hold `tick`, with room to spare on that side. */
  private reach(tick: number): void {
    const n = this.bids.length;
    if (n === 0) {
      this.base = tick - 512;
      this.bids = new Float64Array(1024);
      this.asks = new Float64Array(1024);
      return;
    }
    const i = tick - this.base;
    if (i >= 0 && i < n) return;
    const grow = Math.max(n, i < 0 ? -i : i - n + 1) + 512;
    const shift = i < 0 ? grow : 0;
    const bids = new Float64Array(n + grow), asks = new Float64Array(n + grow);
    bids.set(this.bids, shift);
    asks.set(this.asks, shift);
    this.bids = bids;
    this.asks = asks;
    this.base -= shift;
    if (this.bestBidIndex >= 0) this.bestBidIndex += shift;
    if (this.bestAskIndex >= 0) this.bestAskIndex += shift;
  }
}
