import type { ItchMessage } from "./decode.ts";

interface Order {
  locate: number;
  buy: boolean;
  price: number;
  shares: number;
}

export interface TopOfBook {
  stock: string;
  bid: [number, number] | null;
  ask: [number, number] | null;
}

/**
 * The book a feed handler rebuilds from Add, Executed and Delete messages, with what can go
 * wrong counted: references never added (or added twice), executions beyond an order's shares,
 * and books whose best bid reaches the best ask.
 */
export class ListenBook {
  private readonly orders = new Map<number, Order>();
  private readonly levels = new Map<
    number,
    { bid: Map<number, number>; ask: Map<number, number> }
  >();
  readonly stocks = new Map<number, string>();
  unknownRefs = 0;
  duplicateRefs = 0;
  negative = 0;
  crossed = 0;

  /** A new day: order references start again. */
  reset(): void {
    this.orders.clear();
    this.levels.clear();
  }

  apply(m: ItchMessage): void {
    switch (m.type) {
      case "R":
        this.stocks.set(m.locate, m.stock);
        return;
      case "A": {
        if (this.orders.has(m.ref)) {
          this.duplicateRefs++;
          return;
        }
        const o = { locate: m.locate, buy: m.side === "B", price: m.price, shares: m.shares };
        this.orders.set(m.ref, o);
        this.move(o, o.shares);
        if (this.isCrossed(m.locate)) this.crossed++;
        return;
      }
      case "E":
      case "D": {
        const o = this.orders.get(m.ref);
        if (!o) {
          this.unknownRefs++;
          return;
        }
        let gone = o.shares;
        if (m.type === "E") {
          if (m.shares > o.shares) this.negative++;
          gone = Math.min(m.shares, o.shares);
        }
        o.shares -= gone;
        this.move(o, -gone);
        if (o.shares === 0) this.orders.delete(m.ref);
      }
    }
  }

  private side(locate: number, buy: boolean): Map<number, number> {
    let l = this.levels.get(locate);
    if (!l) this.levels.set(locate, l = { bid: new Map(), ask: new Map() });
    return buy ? l.bid : l.ask;
  }

  private move(o: Order, shares: number): void {
    const side = this.side(o.locate, o.buy);
    const left = (side.get(o.price) ?? 0) + shares;
    if (left < 0) this.negative++;
    if (left <= 0) side.delete(o.price);
    else side.set(o.price, left);
  }

  private best(locate: number, buy: boolean): [number, number] | null {
    let best: [number, number] | null = null;
    for (const [price, shares] of this.side(locate, buy)) {
      if (!best || (buy ? price > best[0] : price < best[0])) best = [price, shares];
    }
    return best;
  }

  private isCrossed(locate: number): boolean {
    const bid = this.best(locate, true), ask = this.best(locate, false);
    return bid !== null && ask !== null && bid[0] >= ask[0];
  }

  /** The `n` best levels (price, shares) of each side of every security seen, best first. */
  depth(n: number): { stock: string; bid: [number, number][]; ask: [number, number][] }[] {
    const best = (locate: number, buy: boolean) =>
      [...this.side(locate, buy)].sort((a, b) => buy ? b[0] - a[0] : a[0] - b[0]).slice(0, n);
    return [...this.stocks.entries()].sort((a, b) => a[0] - b[0]).map(([locate, stock]) => ({
      stock,
      bid: best(locate, true),
      ask: best(locate, false),
    }));
  }

  /** Best bid and ask (price, shares) of every security seen. */
  top(): TopOfBook[] {
    return [...this.stocks.entries()].sort((a, b) => a[0] - b[0]).map(([locate, stock]) => ({
      stock,
      bid: this.best(locate, true),
      ask: this.best(locate, false),
    }));
  }
}
