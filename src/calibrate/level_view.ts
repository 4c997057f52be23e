import type { LevelBook, ObservationSink } from "./observations.ts";

/** A book of price levels in shares: what a real-data source knows at a moment. */
export interface ShareBook {
  /** Best prices in ticks, -1 for an empty side. */
  readonly bestBid: number;
  readonly bestAsk: number;
  /** Shares resting at a price (ticks) on a side (0 bid, 1 ask). */
  shares(side: number, tick: number): number;
}

/**
 * The level of an event at `tick` on `side`, in the book before it: k ticks from the best; an add
 * strictly inside the spread (or on an empty side) is level 0; a removal on the wrong side of the
 * best is on no level (-1).
 */
export function levelOf(
  book: Pick<ShareBook, "bestBid" | "bestAsk">,
  side: number,
  tick: number,
  isAdd: boolean,
): number {
  const best = side === 0 ? book.bestBid : book.bestAsk;
  if (best < 0) return isAdd ? 0 : -1;
  const k = side === 0 ? best - tick : tick - best;
  return k >= 0 ? k : isAdd ? 0 : -1;
}

/**
 * The model's view of a share book (after Huang, Lehalle & Rosenbaum): level k is the price k
 * ticks from the best on its side, its queue size the shares there divided by the level's unit
 * (its average event size, a lot, or 1 share), rounded up. It drives the sinks: `event` before a
 * change is applied to the share book, `after` once it is; a source that changes the share book
 * without an observation calls `touch`.
 */
export class LevelView implements LevelBook {
  readonly bidPrice: Int32Array;
  readonly askPrice: Int32Array;
  readonly bidDepth: Int32Array;
  readonly askDepth: Int32Array;
  private bestBid = -1;
  private bestAsk = -1;
  private stale = true;

  constructor(
    readonly levels: number,
    /** Shares per unit at each level. */
    readonly unit: Float64Array,
    private readonly sinks: ObservationSink[],
  ) {
    this.bidPrice = new Int32Array(levels);
    this.askPrice = new Int32Array(levels);
    this.bidDepth = new Int32Array(levels);
    this.askDepth = new Int32Array(levels);
  }

  /** Copies the share book's top levels, in units. */
  fill(book: ShareBook): void {
    this.stale = false;
    this.bestBid = book.bestBid;
    this.bestAsk = book.bestAsk;
    for (let k = 0; k < this.levels; k++) {
      const bid = book.bestBid - k, ask = book.bestAsk + k;
      this.bidPrice[k] = book.bestBid < 0 ? -1 : bid;
      this.askPrice[k] = book.bestAsk < 0 ? -1 : ask;
      this.bidDepth[k] = book.bestBid < 0 ? 0 : Math.ceil(book.shares(0, bid) / this.unit[k]);
      this.askDepth[k] = book.bestAsk < 0 ? 0 : Math.ceil(book.shares(1, ask) / this.unit[k]);
    }
  }

  /** Called when a sampling period begins, with the book in view (what the open looks like). */
  onBegin: (() => void) | null = null;

  begin(t: number, book: ShareBook): void {
    this.fill(book);
    for (const s of this.sinks) s.begin(t);
    this.onBegin?.();
  }

  /** The share book changed without an observation: the next event reads it afresh. */
  touch(): void {
    this.stale = true;
  }

  /** Reads the share book now if it changed unobserved (what `event` would do with it). */
  refresh(book: ShareBook): void {
    if (this.stale) this.fill(book);
  }

  event(t: number, side: number, level: number, type: number, book: ShareBook): void {
    this.refresh(book);
    for (const s of this.sinks) s.event(t, side, level, type);
  }

  /**
   * After the event is applied to the share book. Given the price it changed (`side` >= 0), only
   * that level is read again unless a best price moved; without it, every level is.
   */
  after(t: number, book: ShareBook, side = -1, tick = 0): void {
    const moved = book.bestBid !== this.bestBid || book.bestAsk !== this.bestAsk;
    if (moved || side < 0) this.fill(book);
    else {
      const k = side === 0 ? this.bestBid - tick : tick - this.bestAsk;
      if (k >= 0 && k < this.levels) {
        (side === 0 ? this.bidDepth : this.askDepth)[k] = Math.ceil(
          book.shares(side, tick) / this.unit[k],
        );
      }
    }
    for (const s of this.sinks) s.after(t, moved);
  }

  end(t: number): void {
    for (const s of this.sinks) s.end(t);
  }
}
