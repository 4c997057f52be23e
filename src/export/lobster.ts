import { Book } from "../book/book.ts";
import type { FileHeader } from "../format/header.ts";
import type { SessionLog } from "../format/input.ts";
import { OrderFlow } from "./order_flow.ts";
import type { OrderChange, SideLevels } from "./order_flow.ts";
import { checkReplayable, orderSizes, refuseThetaReinit } from "./replayable.ts";
import type { ExportSession } from "./sessions.ts";
import type { ExportLayout } from "./rows.ts";
import type { SessionFiles } from "./output_files.ts";

/** LOBSTER's event types (lobsterdata.com, "Data structure"); 2 and 5-7 never occur here. */
export const LobsterType = { SUBMISSION: 1, CANCELLATION: 2, DELETION: 3, EXECUTION: 4 } as const;
/** LOBSTER's direction: the side of the limit order concerned (an execution: the resting one). */
export const LobsterDirection = { BUY: 1, SELL: -1 } as const;
/** What LOBSTER writes for a level the book does not have. */
export const EMPTY_ASK_PRICE = 9_999_999_999;
export const EMPTY_BID_PRICE = -9_999_999_999;
const EMPTY_ASK = `${EMPTY_ASK_PRICE},0`;
const EMPTY_BID = `${EMPTY_BID_PRICE},0`;

/** `ts_ns` as LOBSTER's time: seconds after midnight, nine decimals. */
export function lobsterTime(tsNs: number): string {
  const s = Math.floor(tsNs / 1e9);
  return `${s}.${String(tsNs - s * 1e9).padStart(9, "0")}`;
}

/** LOBSTER's event type of an order entering or leaving the book. */
const LOBSTER_TYPE = [LobsterType.SUBMISSION, LobsterType.DELETION, LobsterType.EXECUTION];

/** A message line: time, type, order id, size (lots × `lot` shares), price (× tick size), direction. */
export function lobsterMessageLine(
  tsNs: number,
  c: OrderChange,
  tickSize: number,
  lot: number,
): string {
  const direction = c.buy ? LobsterDirection.BUY : LobsterDirection.SELL;
  return `${lobsterTime(tsNs)},${LOBSTER_TYPE[c.kind]},${c.ref},${c.shares * lot},${
    c.priceTicks * tickSize
  },${direction}`;
}

/**
 * The order book line: K levels of ask price, ask size, bid price, bid size (prices × tick_size,
 * i.e. dollars × 10000), from the lots resting at each price (× `lot` shares), best first; missing
 * levels are LOBSTER's dummies (±9999999999, size 0).
 */
export function lobsterBookLine(
  bids: SideLevels,
  asks: SideLevels,
  k: number,
  tickSize: number,
  lot: number,
): string {
  let line = "";
  for (let level = 0; level < k; level++) {
    const a = asks.prices[level], b = bids.prices[level];
    const ask = a === undefined ? EMPTY_ASK : `${a * tickSize},${asks.shares.get(a)! * lot}`;
    const bid = b === undefined ? EMPTY_BID : `${b * tickSize},${bids.shares.get(b)! * lot}`;
    line += level === 0 ? `${ask},${bid}` : `,${ask},${bid}`;
  }
  return line;
}

/** The book a session opened with, from its file header (model.md §2). */
export function openingBook(h: FileHeader): Book {
  const book = new Book(h.levelsPerSide, h.initialDepth);
  book.seed(h.p0Ticks, h.initialSpreadTicks);
  return book;
}

/** LOBSTER's file names: TICKER_DATE_STARTms_ENDms_message_K.csv and ..._orderbook_K.csv. */
export function lobsterNames(session: ExportSession, h: FileHeader, levels: number) {
  const start = Math.round(h.marketOpenNs / 1e6);
  const end = start + h.sessionSeconds * 1000;
  const stem = `${session.symbol}_${session.date}_${start}_${end}`;
  return { message: `${stem}_message_${levels}.csv`, orderbook: `${stem}_orderbook_${levels}.csv` };
}

/**
 * LOBSTER's two files for a session: the orders of the ITCH feed's order image (order_flow.ts),
 * one message line for each order that enters or leaves the book (the opening book's orders at
 * the open, then each record's), each with the book it leaves. An execution at a price other than
 * the replayed best means the book cannot be replayed from the records alone (a run with
 * --theta-reinit redraws depths from the RNG): that is an error.
 */
export function writeLobster(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  refuseThetaReinit(session);
  const h = log.header;
  const lot = layout.lotSize;
  const flow = new OrderFlow(h, orderSizes(session, h));
  const k = flow.book.levels;
  const names = lobsterNames(session, h, k);
  const messages = files.text(names.message);
  const orderbook = files.text(names.orderbook);
  const write = (tsNs: number) => {
    for (let i = 0; i < flow.count; i++) {
      const c = flow.changes[i];
      flow.step(c);
      messages.line(lobsterMessageLine(tsNs, c, h.tickSize, lot));
      orderbook.line(lobsterBookLine(flow.bids, flow.asks, k, h.tickSize, lot));
    }
  };
  flow.opening(h.marketOpenNs);
  write(h.marketOpenNs);
  let n = 0;
  log.forEach((r) => {
    checkReplayable(r, flow.book, n++, log);
    flow.apply(r);
    write(r.tsNs);
  });
}
