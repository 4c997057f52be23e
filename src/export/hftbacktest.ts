import { EventType } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { SessionLog } from "../format/input.ts";
import { forEachRecord } from "../format/log_reader.ts";
import type { Book } from "../book/book.ts";
import type { SessionFiles } from "./output_files.ts";
import { openingBook } from "./lobster.ts";
import { MarketClock } from "./market_time.ts";
import { NpzWriter } from "./npz.ts";
import { checkReplayable, refuseThetaReinit } from "./replayable.ts";
import { sessionFileName } from "./rows.ts";
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

/** Calls `fn` for each record of the first `chunks` chunks (the ones the first pass found sound). */
function forEachIn(log: SessionLog, chunks: number, fn: (rec: EventRecord) => void): void {
  forEachRecord({
    next: () => log.chunks < chunks ? log.next() : null,
    columns: () => log.columns(),
  }, fn);
}

/** One row of hftbacktest's feed: flags, price in ticks, quantity in units of depth. */
type Emit = (ev: number, priceTicks: number, qty: number, exchNs: bigint) => void;

/**
 * A session's feed, event by event: the opening book as a depth clear and a snapshot, then for
 * each event its trade (an execution: the initiator's side) and the depth of every price level it
 * changed (a level gone has quantity 0), on the book rebuilt as the generator kept it.
 */
function feed(
  header: FileHeader,
  session: ExportSession,
  layout: ExportLayout,
  records: (fn: (rec: EventRecord) => void) => void,
  emit: Emit,
): void {
  const book: Book = openingBook(header);
  const k = book.levels;
  const clock = new MarketClock(session.date, layout.tz);
  const source = { name: session.path };
  let exch = clock.epochNs(header.marketOpenNs);
  const changes = (before: Map<number, number>, after: Map<number, number>, side: number) => {
    for (const [price, depth] of after) {
      if (before.get(price) !== depth) emit(BOTH + HFT.DEPTH_EVENT + side, price, depth, exch);
    }
    for (const price of before.keys()) {
      if (!after.has(price)) emit(BOTH + HFT.DEPTH_EVENT + side, price, 0, exch);
    }
  };
  emit(BOTH + HFT.DEPTH_CLEAR_EVENT, 0, 0, exch);
  for (const [price, depth] of levels(book.bidPrice, book.bidDepth, k)) {
    emit(BOTH + HFT.DEPTH_SNAPSHOT_EVENT + HFT.BUY_EVENT, price, depth, exch);
  }
  for (const [price, depth] of levels(book.askPrice, book.askDepth, k)) {
    emit(BOTH + HFT.DEPTH_SNAPSHOT_EVENT + HFT.SELL_EVENT, price, depth, exch);
  }
  let n = 0;
  records((r) => {
    exch = clock.epochNs(r.tsNs);
    if (r.type === EventType.EXECUTE_BUY || r.type === EventType.EXECUTE_SELL) {
      const buy = r.type === EventType.EXECUTE_BUY;
      checkReplayable(r, book, n, source);
      emit(
        BOTH + HFT.TRADE_EVENT + (buy ? HFT.BUY_EVENT : HFT.SELL_EVENT),
        r.priceTicks,
        r.qty,
        exch,
      );
    }
    const bids = levels(book.bidPrice, book.bidDepth, k);
    const asks = levels(book.askPrice, book.askDepth, k);
    book.apply(r.type, r.priceTicks, r.qty);
    changes(bids, levels(book.bidPrice, book.bidDepth, k), HFT.BUY_EVENT);
    changes(asks, levels(book.askPrice, book.askDepth, k), HFT.SELL_EVENT);
    n++;
  });
}

/**
 * A session as hftbacktest's feed (`feed`), `SYMBOL_DATE.npz`: prices in dollars (ticks ×
 * tick_size / 10000), quantities in shares (× --lot-size), exchange timestamps in ns since 1970
 * (UTC, from --tz), local = exchange + the layout's latency. The session is read twice: once to
 * count the rows (the .npy header comes first), once to write them, from the chunks the first
 * read found sound.
 */
export function writeHftbacktest(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  refuseThetaReinit(session);
  const h = log.header;
  let rows = 0;
  feed(h, session, layout, (fn) => log.forEach(fn), () => rows++);
  const again = SessionLog.open(session.path, { verify: false });
  try {
    const out = new NpzWriter(
      files.binary(sessionFileName(files.dir, session, layout, "npz")),
      "data",
      EVENT_DESCR,
      EVENT_BYTES,
      rows,
    );
    const lot = layout.lotSize;
    const dollars = h.tickSize / 10_000;
    const latency = BigInt(layout.latencyNs);
    feed(h, session, layout, (fn) => forEachIn(again, log.chunks, fn), (ev, price, qty, exch) => {
      const { view, at } = out.row();
      view.setBigUint64(at, BigInt(ev), true);
      view.setBigInt64(at + 8, exch, true);
      view.setBigInt64(at + 16, exch + latency, true);
      view.setFloat64(at + 24, price * dollars, true);
      view.setFloat64(at + 32, qty * lot, true);
      view.setBigUint64(at + 40, 0n, true);
      view.setBigInt64(at + 48, 0n, true);
      view.setFloat64(at + 56, 0, true);
    });
    out.finish();
  } finally {
    again.close();
  }
}
