/**
 * Checks one ITCH file of `qrsdp itch` against the sessions it came from, from the spec alone
 * (itch.md): the day's structure, the opening books, and after every record the decoded book
 * equal to the book replayed from the records, with FIFO order of executions and deletes.
 */
import assert from "node:assert/strict";
import { Book } from "../../src/book/book.ts";
import type { FileHeader } from "../../src/format/header.ts";
import type { EventRecord } from "../../src/core/events.ts";
import { BookBuilder } from "./decoder.ts";
import type { Message } from "./decoder.ts";

export interface CheckedSession {
  symbol: string;
  header: FileHeader;
  records: EventRecord[];
}

export interface FeedCheck {
  records: number;
  messages: number;
  unknownRefs: number;
  duplicateRefs: number;
  negative: number;
  crossed: number;
  /** Records after which the decoded book differed from the replayed one. */
  mismatches: number;
  /** Deletes that took neither the youngest order of a level nor an order of a dropped price. */
  badDeletes: number;
  /** Executions that did not take the oldest order at the best price. */
  badExecutions: number;
  /** Match numbers not running 1, 2, 3, ... */
  badMatches: number;
  /** Groups of records sharing a timestamp and a security (checked together). */
  sharedTimestamps: number;
  /** Per locate, the execution prices on the feed and in the records (ticks × tick size). */
  feedTrades: Map<number, number[]>;
  recordTrades: Map<number, number[]>;
}

const EXEC = new Set([4, 5]);

/** Bid and ask slots of the replayed book with depth, as (wire price, shares), best first. */
function slots(book: Book, tick: number, lot: number, bid: boolean): [number, number][] {
  const prices = bid ? book.bidPrice : book.askPrice;
  const depths = bid ? book.bidDepth : book.askDepth;
  const out: [number, number][] = [];
  for (let k = 0; k < book.levels; k++) {
    if (depths[k] > 0) out.push([prices[k] * tick, depths[k] * lot]);
  }
  return out.sort((a, b) => bid ? b[0] - a[0] : a[0] - b[0]);
}

export function checkFeed(
  messages: Message[],
  sessions: CheckedSession[],
  lot: number,
): FeedCheck {
  const open = sessions[0].header.marketOpenNs;
  const close = open + sessions[0].header.sessionSeconds * 1e9;
  let i = 0;
  const next = () => messages[i++];
  const system = (code: string, ts: number) => {
    const m = next();
    assert.deepEqual(m, { type: "S", locate: 0, ts, code }, `message ${i - 1}`);
  };
  system("O", open);
  sessions.forEach((s, n) => {
    const m = next();
    assert.deepEqual(m, {
      type: "R",
      locate: n + 1,
      ts: open,
      stock: s.symbol.padEnd(8, " "),
      lot,
      fields: "QN|NCZ PNN1N|0|N",
    });
  });
  system("S", open);
  const builder = new BookBuilder();
  // FIFO of live refs per "locate side price".
  const queues = new Map<string, number[]>();
  const key = (locate: number, buy: boolean, price: number) => `${locate} ${buy} ${price}`;
  const orderOf = new Map<number, { locate: number; buy: boolean; price: number }>();
  let nextRef = 1;
  const take = (m: Message) => {
    builder.apply(m);
    if (m.type === "A") {
      assert.equal(m.ref, nextRef++, "order references run 1, 2, 3, ... for the day");
      const o = { locate: m.locate, buy: m.side === "B", price: m.price };
      orderOf.set(m.ref, o);
      const k = key(o.locate, o.buy, o.price);
      const q = queues.get(k) ?? [];
      queues.set(k, q);
      q.push(m.ref);
    }
  };
  const books = sessions.map((s) => {
    const b = new Book(s.header.levelsPerSide, s.header.initialDepth);
    b.seed(s.header.p0Ticks, s.header.initialSpreadTicks);
    return b;
  });
  // The opening book: bid slots then ask slots, level 0 outward, per security.
  sessions.forEach((s, n) => {
    const b = books[n];
    for (const bid of [true, false]) {
      for (let k = 0; k < b.levels; k++) {
        const depth = bid ? b.bidDepth[k] : b.askDepth[k];
        const price = (bid ? b.bidPrice[k] : b.askPrice[k]) * s.header.tickSize;
        for (let d = 0; d < depth; d++) {
          const m = next();
          assert.equal(m.type, "A");
          assert.equal(m.ts, open);
          assert.equal(m.locate, n + 1);
          if (m.type === "A") {
            assert.equal(m.side, bid ? "B" : "S");
            assert.equal(m.price, price);
            assert.equal(m.shares, lot);
            assert.equal(m.stock, s.symbol.padEnd(8, " "));
          }
          take(m);
        }
      }
    }
  });
  system("Q", open);

  // Records of every security merged by time; ties by security order, then file order.
  const merged = sessions.flatMap((s, n) => s.records.map((r, j) => ({ r, n, j })));
  merged.sort((a, b) => a.r.tsNs - b.r.tsNs || a.n - b.n || a.j - b.j);
  const result: FeedCheck = {
    records: merged.length,
    messages: messages.length,
    unknownRefs: 0,
    duplicateRefs: 0,
    negative: 0,
    crossed: 0,
    mismatches: 0,
    badDeletes: 0,
    badExecutions: 0,
    badMatches: 0,
    sharedTimestamps: 0,
    feedTrades: builder.trades,
    recordTrades: new Map(),
  };
  let lastTs = open;
  for (let g = 0; g < merged.length;) {
    const { r, n } = merged[g];
    const locate = n + 1;
    const tick = sessions[n].header.tickSize;
    let end = g;
    while (end < merged.length && merged[end].r.tsNs === r.tsNs && merged[end].n === n) {
      const rec = merged[end].r;
      if (EXEC.has(rec.type)) {
        const t = result.recordTrades.get(locate) ?? [];
        result.recordTrades.set(locate, t);
        t.push(rec.priceTicks * tick);
      }
      books[n].apply(rec.type, rec.priceTicks, rec.qty);
      end++;
    }
    if (end - g > 1) result.sharedTimestamps++;
    g = end;
    const book = books[n];
    const bids = slots(book, tick, lot, true), asks = slots(book, tick, lot, false);
    const window = new Set([...bids, ...asks].map(([p]) => p));
    while (i < messages.length && messages[i].type !== "S") {
      const m = messages[i];
      if (m.ts !== r.tsNs || m.locate !== locate) break;
      assert.ok(m.ts >= lastTs, "timestamps never decrease");
      lastTs = m.ts;
      i++;
      if (m.type === "D" || m.type === "E") {
        const o = orderOf.get(m.ref);
        if (o) {
          const q = queues.get(key(o.locate, o.buy, o.price))!;
          const youngest = q[q.length - 1] === m.ref;
          const oldest = q[0] === m.ref;
          if (m.type === "D" && !youngest && !(oldest && !window.has(o.price))) {
            result.badDeletes++;
          }
          const best = o.buy ? bids[0]?.[0] : asks[0]?.[0];
          if (m.type === "E" && !(oldest && (o.price === best || !window.has(o.price)))) {
            result.badExecutions++;
          }
          q.splice(q.indexOf(m.ref), 1);
        }
      }
      take(m);
    }
    const decodedBids = builder.top(locate, "bid"), decodedAsks = builder.top(locate, "ask");
    if (
      JSON.stringify(decodedBids) !== JSON.stringify(bids) ||
      JSON.stringify(decodedAsks) !== JSON.stringify(asks)
    ) result.mismatches++;
    if (builder.crossed(locate)) result.crossed++;
  }
  system("M", close);
  system("E", close);
  system("C", close);
  assert.equal(i, messages.length, "nothing after C");
  result.unknownRefs = builder.unknownRefs;
  result.duplicateRefs = builder.duplicateRefs;
  result.negative = builder.negative;
  result.badMatches = builder.badMatches;
  return result;
}
