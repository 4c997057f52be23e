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
 * A session's orders as the ITCH feed's order image (itch.md) sees them: the order references
 * of one session, from 1, and the shares of each order. After `opening()` or `apply(rec)`,
 * `changes` holds the orders that entered or left the book, and `ref`/`shares` the order the
 * record itself concerned (0 for none). `bidLevels`/`askLevels` are the shares resting at each
 * price after the changes passed to `step`, one at a time.
 */
export class OrderFlow implements OrderMessages {
  readonly changes: OrderChange[] = [];
  ref = 0;
  shares = 0;
  readonly bidLevels = new Map<number, number>();
  readonly askLevels = new Map<number, number>();
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
    this.changes.length = 0;
    this.image.opening(tsNs);
  }

  apply(rec: EventRecord): void {
    this.changes.length = 0;
    this.image.apply(rec);
    this.ref = this.image.ref;
    this.shares = 0;
    for (const c of this.changes) if (c.ref === this.ref) this.shares = c.shares;
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
      this.changes.push({ kind: OrderChangeKind.ADD, ref, buy, priceTicks, shares });
    }
  }

  orderExecuted(_locate: number, ref: number): void {
    this.remove(OrderChangeKind.EXECUTE, ref);
  }

  orderDelete(_locate: number, ref: number): void {
    this.remove(OrderChangeKind.DELETE, ref);
  }

  private remove(kind: number, ref: number): void {
    const o = this.live.get(ref)!;
    this.live.delete(ref);
    this.changes.push({ kind, ref, buy: o.buy, priceTicks: o.priceTicks, shares: o.shares });
  }

  /** Moves `bidLevels`/`askLevels` past one change. */
  step(c: OrderChange): void {
    const levels = c.buy ? this.bidLevels : this.askLevels;
    const shares = c.kind === OrderChangeKind.ADD ? c.shares : -c.shares;
    const total = (levels.get(c.priceTicks) ?? 0) + shares;
    if (total === 0) levels.delete(c.priceTicks);
    else levels.set(c.priceTicks, total);
  }
}
