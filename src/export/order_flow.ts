import type { FileHeader } from "../format/header.ts";
import type { EventRecord } from "../core/events.ts";
import { OrderImage } from "../itch/order_image.ts";
import type { OrderMessages, OrderSizeStream } from "../itch/order_image.ts";

export const OrderChangeKind = { ADD: 0, DELETE: 1, EXECUTE: 2 } as const;

/** One order entering or leaving the book: what a LOBSTER message line says. */
export interface OrderChange {
  kind: number;
  ref: number;
  buy: boolean;
  priceTicks: number;
  shares: number;
}

interface LiveOrder {
  buy: boolean;
  priceTicks: number;
  shares: number;
}

/**
 * The shares resting at each price of one side, with the prices kept in order, best first (few:
 * at most the book's levels and one), so that the best K are read without sorting.
 */
export class SideLevels {
  /** Prices, best first. */
  readonly prices: number[] = [];
  readonly shares = new Map<number, number>();

  constructor(private readonly buy: boolean) {}

  change(price: number, delta: number): void {
    const total = (this.shares.get(price) ?? 0) + delta;
    if (total !== 0) {
      if (!this.shares.has(price)) this.insert(price);
      this.shares.set(price, total);
      return;
    }
    this.shares.delete(price);
    this.prices.splice(this.prices.indexOf(price), 1);
  }

  private insert(price: number): void {
    const prices = this.prices;
    let i = 0;
    while (i < prices.length && (this.buy ? prices[i] > price : prices[i] < price)) i++;
    prices.splice(i, 0, price);
  }
}

/**
 * A session's orders as the ITCH feed's order image (itch.md) sees them: the order references
 * of one session, from 1, and the shares of each order. After `opening()` or `apply(rec)`, the
 * first `count` of `changes` are the orders that entered or left the book (the objects are
 * reused), and `ref`/`shares` the order the record itself concerned (0 for none). `bids`/`asks`
 * are the shares resting at each price after the changes passed to `step`, one at a time.
 */
export class OrderFlow implements OrderMessages {
  readonly changes: OrderChange[] = [];
  count = 0;
  ref = 0;
  shares = 0;
  readonly bids = new SideLevels(true);
  readonly asks = new SideLevels(false);
  private readonly image: OrderImage;
  private readonly live = new Map<number, LiveOrder>();
  private readonly tickSize: number;

  constructor(header: FileHeader, sizes: OrderSizeStream | null) {
    this.tickSize = header.tickSize;
    const numbers = { nextRef: 1, nextMatch: 1 };
    this.image = new OrderImage(1, new Uint8Array(8), header, 1, numbers, this, sizes, false);
  }

  /** The book the records are replayed on. */
  get book() {
    return this.image.book;
  }

  opening(tsNs: number): void {
    this.count = 0;
    this.image.opening(tsNs);
  }

  apply(rec: EventRecord): void {
    this.count = 0;
    this.image.apply(rec);
    this.ref = this.image.ref;
    this.shares = 0;
    for (let i = 0; i < this.count; i++) {
      if (this.changes[i].ref === this.ref) this.shares = this.changes[i].shares;
    }
  }

  time(): void {}

  addOrders(
    _locate: number,
    firstRef: number,
    count: number,
    buy: boolean,
    shares: number,
    _stock: Uint8Array,
    price: number,
  ): void {
    const priceTicks = price / this.tickSize;
    for (let n = 0; n < count; n++) {
      const ref = firstRef + n;
      this.live.set(ref, { buy, priceTicks, shares });
      this.push(OrderChangeKind.ADD, ref, buy, priceTicks, shares);
    }
  }

  orderExecuted(_locate: number, ref: number): void {
    this.remove(OrderChangeKind.EXECUTE, ref);
  }

  orderDelete(_locate: number, ref: number): void {
    this.remove(OrderChangeKind.DELETE, ref);
  }

  /** Moves `bids`/`asks` past one change. */
  step(c: OrderChange): void {
    (c.buy ? this.bids : this.asks).change(
      c.priceTicks,
      c.kind === OrderChangeKind.ADD ? c.shares : -c.shares,
    );
  }

  private remove(kind: number, ref: number): void {
    const o = this.live.get(ref)!;
    this.live.delete(ref);
    this.push(kind, ref, o.buy, o.priceTicks, o.shares);
  }

  private push(kind: number, ref: number, buy: boolean, priceTicks: number, shares: number): void {
    const c = this.changes[this.count] ??= { kind, ref, buy, priceTicks, shares };
    c.kind = kind;
    c.ref = ref;
    c.buy = buy;
    c.priceTicks = priceTicks;
    c.shares = shares;
    this.count++;
  }
}
