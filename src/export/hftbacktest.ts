import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import type { LogReader } from "../format/log_reader.ts";
import type { Book } from "../book/book.ts";
import { openingBook } from "./lobster.ts";
import { MarketClock } from "./market_time.ts";
import { NpzWriter } from "./npz.ts";
import { baseName } from "./rows.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";

/** hftbacktest's event flags (its `hftbacktest.types`): what kind of event, and whose. */
export const HFT = {
  DEPTH_EVENT: 1,
  TRADE_EVENT: 2,
  DEPTH_CLEAR_EVENT: 3,
  DEPTH_SNAPSHOT_EVENT: 4,
  EXCH_EVENT: 2 ** 31,
  LOCAL_EVENT: 2 ** 30,
  BUY_EVENT: 2 ** 29,
  SELL_EVENT: 2 ** 28,
} as const;

/** hftbacktest's `event_dtype`, as NumPy prints its `descr`: eight 8-byte fields, 64 bytes. */
export const EVENT_DESCR = "[('ev', '<u8'), ('exch_ts', '<i8'), ('local_ts', '<i8'), " +
  "('px', '<f8'), ('qty', '<f8'), ('order_id', '<u8'), ('ival', '<i8'), ('fval', '<f8')]";
export const EVENT_BYTES = 64;

const BOTH = HFT.EXCH_EVENT + HFT.LOCAL_EVENT;

/** The depth of every price the book holds on one side (its non-empty slots). */
function levels(prices: Int32Array | number[], depths: Int32Array | number[], k: number) {
  const out = new Map<number, number>();
  for (let i = 0; i < k; i++) if (depths[i] > 0) out.set(prices[i], depths[i]);
  return out;
}

/**
 * A session as hftbacktest's feed: the opening book as a depth clear and a snapshot, then for
 * each event its trade (an execution: initiator's side, price, shares) and the depth of every
 * price level it changed (a level gone has quantity 0), replayed on the book as the generator kept
 * it. Prices in dollars (ticks × tick_size / 10000), quantities in shares (× --lot-size),
 * exchange timestamps in ns since 1970 (UTC, from --tz), local = exchange + `latencyNs`.
 */
export function writeHftbacktest(
  reader: LogReader,
  session: ExportSession,
  dir: string,
  layout: ExportLayout,
): string[] {
  if (session.thetaReinit > 0) {
    throw new DataError(
      `made with --theta-reinit ${session.thetaReinit}, which redraws the book's depths from the ` +
        `random generator: the book cannot be rebuilt from the records`,
      { source: session.path },
    );
  }
  const h = reader.header;
  const book: Book = openingBook(h);
  const k = book.levels;
  const lot = layout.lotSize;
  const dollars = h.tickSize / 10_000;
  const latency = BigInt(layout.latencyNs);
  const clock = new MarketClock(session.date, layout.tz);
  const out = new NpzWriter(
    `${dir}/${baseName(session.symbol, session.date)}.npz`,
    "data",
    EVENT_DESCR,
    EVENT_BYTES,
  );
  let exch = 0n;
  const push = (ev: number, priceTicks: number, qty: number) => {
    const { view, at } = out.row();
    view.setBigUint64(at, BigInt(ev), true);
    view.setBigInt64(at + 8, exch, true);
    view.setBigInt64(at + 16, exch + latency, true);
    view.setFloat64(at + 24, priceTicks * dollars, true);
    view.setFloat64(at + 32, qty * lot, true);
    view.setBigUint64(at + 40, 0n, true);
    view.setBigInt64(at + 48, 0n, true);
    view.setFloat64(at + 56, 0, true);
  };
  const changes = (before: Map<number, number>, after: Map<number, number>, side: number) => {
    for (const [price, depth] of after) {
      if (before.get(price) !== depth) push(BOTH + HFT.DEPTH_EVENT + side, price, depth);
    }
    for (const price of before.keys()) {
      if (!after.has(price)) push(BOTH + HFT.DEPTH_EVENT + side, price, 0);
    }
  };
  try {
    exch = clock.epochNs(h.marketOpenNs);
    push(BOTH + HFT.DEPTH_CLEAR_EVENT, 0, 0);
    for (const [price, depth] of levels(book.bidPrice, book.bidDepth, k)) {
      push(BOTH + HFT.DEPTH_SNAPSHOT_EVENT + HFT.BUY_EVENT, price, depth);
    }
    for (const [price, depth] of levels(book.askPrice, book.askDepth, k)) {
      push(BOTH + HFT.DEPTH_SNAPSHOT_EVENT + HFT.SELL_EVENT, price, depth);
    }
    let n = 0;
    reader.forEach((r) => {
      exch = clock.epochNs(r.tsNs);
      if (r.type === EventType.EXECUTE_BUY || r.type === EventType.EXECUTE_SELL) {
        const buy = r.type === EventType.EXECUTE_BUY;
        const best = buy ? book.askPrice[0] : book.bidPrice[0];
        if (best !== r.priceTicks) {
          throw new DataError(
            `record ${n} (order ${r.orderId}) executes at ${r.priceTicks} but the rebuilt book's ` +
              `best is ${best}: the book cannot be rebuilt from the records ` +
              `(was the run made with --theta-reinit?)`,
            { source: reader.name },
          );
        }
        push(BOTH + HFT.TRADE_EVENT + (buy ? HFT.BUY_EVENT : HFT.SELL_EVENT), r.priceTicks, r.qty);
      }
      const bids = levels(book.bidPrice, book.bidDepth, k);
      const asks = levels(book.askPrice, book.askDepth, k);
      book.apply(r.type, r.priceTicks, r.qty);
      changes(bids, levels(book.bidPrice, book.bidDepth, k), HFT.BUY_EVENT);
      changes(asks, levels(book.askPrice, book.askDepth, k), HFT.SELL_EVENT);
      n++;
    });
  } finally {
    out.close();
  }
  return [out.path];
}
