import { Book } from "../book/book.ts";
import type { FileHeader } from "../format/header.ts";
import { EventType } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { itchPriceProblem } from "./messages.ts";
import { OrderQueue } from "./order_queue.ts";

/** Order reference and match numbers of one day, shared by every security of the feed. */
export interface DayNumbers {
  nextRef: number;
  nextMatch: number;
}

/**
 * Where the image's order messages go: the ITCH buffer, or an export's recorder. `price` is the
 * wire price (ticks × tick size).
 */
export interface OrderMessages {
  time(tsNs: number): void;
  addOrders(
    locate: number,
    firstRef: number,
    count: number,
    buy: boolean,
    shares: number,
    stock: Uint8Array,
    price: number,
  ): void;
  orderExecuted(locate: number, ref: number, shares: number, match: number): void;
  orderDelete(locate: number, ref: number): void;
}

/** Each new order's size in lots, in the order the image makes them (order_sizes.ts). */
export interface OrderSizeStream {
  next(): number;
}

/** A price on the feed that ITCH cannot carry. */
export class ItchPriceError extends RangeError {
  override name = "ItchPriceError";
}

/** One side of the image: the book's slots (shared arrays) and the live orders of each slot. */
interface SideImage {
  readonly buy: boolean;
  readonly prices: Int32Array;
  readonly depths: Int32Array;
  /** Slot i's live orders, all at `queues[i].price`, which is `prices[i]` between records. */
  queues: OrderQueue[];
  /** Where `realign` builds the next slot order (swapped with `queues`). */
  spareSlots: OrderQueue[];
  /** +1 for bids (better is higher), -1 for asks. */
  readonly dir: number;
}

/**
 * The order-level image of one security's book for one day (itch.md): the book replayed from
 * the session's records, every unit of depth one resting order of `lot` shares (or, with a size
 * stream, of its next size times `lot`), kept in a FIFO queue per price. After each record it
 * writes the messages that move the image from the book before the record to the book after it,
 * and `ref` names the order the record itself concerned.
 */
export class OrderImage {
  readonly book: Book;
  private readonly bid: SideImage;
  private readonly ask: SideImage;
  /** Empty queues for prices that enter the window. */
  private readonly spare: OrderQueue[];
  /**
   * Queues of prices that left the window with orders still in them (rule 2), at most one a
   * slot: the first `droppedCount`. (Not emptied by `length = 0`, which gives up the array's
   * storage, to be allocated again at the next shift.)
   */
  private readonly dropped: OrderQueue[];
  private droppedCount = 0;
  /** The slots `realign` gave empty queues, the first `freshCount`. */
  private readonly freshSlots: Int32Array;
  private freshCount = 0;
  private readonly tickSize: number;
  /**
   * The order the last record concerned: the one an add made, the youngest one a cancel removed,
   * the oldest one an execution filled; 0 when it concerned none (a price outside the window, an
   * empty level).
   */
  ref = 0;
  /** Each live order's shares, with a size stream. */
  private readonly shares: Map<number, number> | null;

  constructor(
    readonly locate: number,
    private readonly stock: Uint8Array,
    header: FileHeader,
    private readonly lot: number,
    private readonly numbers: DayNumbers,
    private readonly out: OrderMessages,
    private readonly sizes: OrderSizeStream | null = null,
    /** Whether a price must fit ITCH's (an export's image takes any). */
    private readonly itchPrices = true,
  ) {
    this.shares = sizes ? new Map() : null;
    this.book = new Book(header.levelsPerSide, header.initialDepth);
    this.book.seed(header.p0Ticks, header.initialSpreadTicks);
    this.tickSize = header.tickSize;
    const k = this.book.levels;
    this.freshSlots = new Int32Array(k);
    // Arrays of queues from the start, not `[]` (an array of small integers until the first
    // queue goes in): the optimised code of one day then fits the next day's arrays.
    this.spare = Array.from({ length: k }, () => new OrderQueue(0));
    this.dropped = this.spare.slice();
    const side = (buy: boolean, prices: Int32Array, depths: Int32Array): SideImage => {
      const queues = Array.from(prices, (p) => new OrderQueue(p));
      // A copy, not `new Array(k)`: both arrays must have one elements kind, or the code
      // that swaps them is made again for the other kind (and again each day).
      return { buy, prices, depths, queues, spareSlots: queues.slice(), dir: buy ? 1 : -1 };
    };
    this.bid = side(true, this.book.bidPrice, this.book.bidDepth);
    this.ask = side(false, this.book.askPrice, this.book.askDepth);
  }

  /** `A` for every order of the opening book: bid slots then ask slots, level 0 outward. */
  opening(tsNs: number): void {
    this.out.time(tsNs);
    this.fill(this.bid);
    this.fill(this.ask);
  }

  apply(rec: EventRecord): void {
    this.out.time(rec.tsNs);
    this.ref = 0;
    const book = this.book;
    switch (rec.type) {
      case EventType.ADD_BID:
        return this.add(this.bid, rec, book.bidPrice[0] - rec.priceTicks);
      case EventType.ADD_ASK:
        return this.add(this.ask, rec, rec.priceTicks - book.askPrice[0]);
      case EventType.CANCEL_BID:
        return this.cancel(this.bid, rec, book.bidPrice[0] - rec.priceTicks);
      case EventType.CANCEL_ASK:
        return this.cancel(this.ask, rec, rec.priceTicks - book.askPrice[0]);
      case EventType.EXECUTE_BUY:
        return this.execute(this.ask, rec);
      case EventType.EXECUTE_SELL:
        return this.execute(this.bid, rec);
    }
  }

  /**
   * Each live order numbered `base + i` (i >= 0) becomes `map[i]`: for a feed that numbers a
   * stretch of records after the image has made their messages (feed_window.ts).
   */
  renumber(base: number, map: Float64Array): void {
    for (const q of this.bid.queues) q.renumber(base, map);
    for (const q of this.ask.queues) q.renumber(base, map);
    if (!this.shares) return;
    for (const [ref, shares] of [...this.shares]) {
      if (ref < base) continue;
      this.shares.delete(ref);
      this.shares.set(map[ref - base], shares);
    }
  }

  private add(side: SideImage, rec: EventRecord, idx: number): void {
    const book = this.book;
    const price = rec.priceTicks;
    if (price > book.bidPrice[0] && price < book.askPrice[0]) {
      book.apply(rec.type, price, rec.qty);
      this.insertBest(side);
      this.ref = this.addOrders(side, 0, side.depths[0]);
      this.deleteDropped();
    } else if (idx >= 0 && idx < book.levels) {
      const had = side.depths[idx];
      book.apply(rec.type, price, rec.qty);
      this.ref = this.addOrders(side, idx, side.depths[idx] - had);
    }
  }

  private cancel(side: SideImage, rec: EventRecord, idx: number): void {
    if (idx < 0 || idx >= this.book.levels) return;
    const removed = Math.min(side.depths[idx], rec.qty);
    const q = side.queues[idx];
    for (let n = 0; n < removed; n++) this.delete(this.ref = q.popYoungest());
    this.applyMaybeShifting(side, rec);
  }

  private execute(side: SideImage, rec: EventRecord): void {
    if (side.depths[0] <= 0) return;
    const ref = this.ref = side.queues[0].popOldest();
    const shares = this.shares ? this.takeShares(ref) : this.lot;
    this.out.orderExecuted(this.locate, ref, shares, this.numbers.nextMatch++);
    this.applyMaybeShifting(side, rec);
  }

  private applyMaybeShifting(side: SideImage, rec: EventRecord): void {
    const best = side.prices[0];
    this.book.apply(rec.type, rec.priceTicks, rec.qty);
    if (side.prices[0] !== best) {
      this.realign(side);
      this.deleteDropped();
      this.fillFresh(side);
    }
  }

  /**
   * A price inside the spread became the best slot: every queue moves out one slot, keeping its
   * orders, so no level is revealed; the new best is filled by the record's own `A`.
   */
  private insertBest(side: SideImage): void {
    const queues = side.queues, k = queues.length;
    this.drop(queues[k - 1]);
    for (let i = k - 1; i > 0; i--) queues[i] = queues[i - 1];
    queues[0] = this.fresh(side.prices[0]);
  }

  /**
   * Moves each live queue to the slot that now holds its price; queues whose price left the
   * window are dropped, slots of prices new to it get empty queues (`freshSlots`). Prices run
   * strictly from best outward on both sides.
   */
  private realign(side: SideImage): void {
    const old = side.queues, queues = side.spareSlots, k = old.length;
    const prices = side.prices, dir = side.dir;
    let j = 0;
    for (let i = 0; i < k; i++) {
      const p = prices[i];
      while (j < k && (old[j].price - p) * dir > 0) this.drop(old[j++]);
      if (j < k && old[j].price === p) queues[i] = old[j++];
      else {
        queues[i] = this.fresh(p);
        this.freshSlots[this.freshCount++] = i;
      }
    }
    while (j < k) this.drop(old[j++]);
    side.spareSlots = old;
    side.queues = queues;
  }

  private fresh(price: number): OrderQueue {
    const q = this.spare.pop() ?? new OrderQueue(price);
    q.price = price;
    return q;
  }

  private drop(q: OrderQueue): void {
    if (q.size > 0) this.dropped[this.droppedCount++] = q;
    else this.spare.push(q);
  }

  /** Rule 2: deletes the orders of the prices that left the window, oldest first. */
  private deleteDropped(): void {
    for (let i = 0; i < this.droppedCount; i++) {
      const q = this.dropped[i];
      while (q.size > 0) this.delete(q.popOldest());
      this.spare.push(q);
    }
    this.droppedCount = 0;
  }

  /**
   * Rule 3 after `realign`: `A` for the orders of the slots it gave empty queues. The queues it
   * moved kept as many orders as their slots' depth, so only these can fall short.
   */
  private fillFresh(side: SideImage): void {
    for (let n = 0; n < this.freshCount; n++) {
      const i = this.freshSlots[n];
      this.addOrders(side, i, side.depths[i] - side.queues[i].size);
    }
    this.freshCount = 0;
  }

  private fill(side: SideImage): void {
    for (let i = 0; i < this.book.levels; i++) {
      this.addOrders(side, i, side.depths[i] - side.queues[i].size);
    }
  }

  private delete(ref: number): void {
    if (this.shares) this.shares.delete(ref);
    this.out.orderDelete(this.locate, ref);
  }

  private takeShares(ref: number): number {
    const shares = this.shares!.get(ref)!;
    this.shares!.delete(ref);
    return shares;
  }

  /** Adds `count` orders to a slot; returns the first one's reference (0 for none). */
  private addOrders(side: SideImage, slot: number, count: number): number {
    if (count <= 0) return 0;
    const ticks = side.prices[slot];
    const price = ticks * this.tickSize;
    if (this.itchPrices && !(price >= 0 && price <= 0xffffffff)) {
      throw new ItchPriceError(itchPriceProblem(ticks, this.tickSize)!);
    }
    const first = this.numbers.nextRef;
    this.numbers.nextRef = first + count;
    if (this.sizes) {
      for (let n = 0; n < count; n++) {
        const shares = this.sizes.next() * this.lot;
        this.shares!.set(first + n, shares);
        this.out.addOrders(this.locate, first + n, 1, side.buy, shares, this.stock, price);
      }
    } else {
      this.out.addOrders(this.locate, first, count, side.buy, this.lot, this.stock, price);
    }
    side.queues[slot].pushRange(first, count);
    return first;
  }
}
