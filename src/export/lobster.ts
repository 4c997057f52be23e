import { Book } from "../book/book.ts";
import { DataError } from "../core/errors.ts";
import type { FileHeader } from "../format/header.ts";
import type { SessionLog } from "../format/input.ts";
import { EventType } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import type { ExportLayout } from "./rows.ts";
import type { ExportSession } from "./sessions.ts";
import type { SessionFiles } from "./output_files.ts";

/** LOBSTER's event types (lobsterdata.com, "Data structure"); 5-7 never occur here. */
export const LobsterType = { SUBMISSION: 1, CANCELLATION: 2, DELETION: 3, EXECUTION: 4 } as const;
/** LOBSTER's direction: the side of the limit order concerned (an execution: the resting one). */
export const LobsterDirection = { BUY: 1, SELL: -1 } as const;
/** What LOBSTER writes for a level the book does not have. */
export const EMPTY_ASK_PRICE = 9_999_999_999;
export const EMPTY_BID_PRICE = -9_999_999_999;
const EMPTY_ASK = `${EMPTY_ASK_PRICE},0`;
const EMPTY_BID = `${EMPTY_BID_PRICE},0`;

/** One message line: the LOBSTER view of an event, given the book before it. */
export interface LobsterMessage {
  type: number;
  direction: number;
}

/** `ts_ns` as LOBSTER's time: seconds after midnight, nine decimals. */
export function lobsterTime(tsNs: number): string {
  const s = Math.floor(tsNs / 1e9);
  return `${s}.${String(tsNs - s * 1e9).padStart(9, "0")}`;
}

/**
 * Our event as a LOBSTER message, from the book before it is applied: an add is a submission; a
 * cancel is a deletion when it takes the whole remaining depth of its price level, else a
 * (partial) cancellation; an execution is the execution of a visible limit order on the side it
 * hits (EXECUTE_BUY takes the best ask: direction -1, a buyer-initiated trade).
 */
export function lobsterMessage(rec: EventRecord, book: Book): LobsterMessage {
  switch (rec.type) {
    case EventType.ADD_BID:
      return { type: LobsterType.SUBMISSION, direction: LobsterDirection.BUY };
    case EventType.ADD_ASK:
      return { type: LobsterType.SUBMISSION, direction: LobsterDirection.SELL };
    case EventType.CANCEL_BID: {
      const idx = book.bidPrice[0] - rec.priceTicks;
      const empties = idx >= 0 && idx < book.levels && rec.qty >= book.bidDepth[idx];
      return { type: empties ? LobsterType.DELETION : LobsterType.CANCELLATION, direction: 1 };
    }
    case EventType.CANCEL_ASK: {
      const idx = rec.priceTicks - book.askPrice[0];
      const empties = idx >= 0 && idx < book.levels && rec.qty >= book.askDepth[idx];
      return { type: empties ? LobsterType.DELETION : LobsterType.CANCELLATION, direction: -1 };
    }
    case EventType.EXECUTE_BUY:
      return { type: LobsterType.EXECUTION, direction: LobsterDirection.SELL };
    case EventType.EXECUTE_SELL:
      return { type: LobsterType.EXECUTION, direction: LobsterDirection.BUY };
  }
  throw new DataError(`event type ${rec.type} is not one of the six`);
}

/**
 * The order book line after an event: K levels of ask price, ask size, bid price, bid size
 * (prices × tick_size, i.e. dollars × 10000; sizes in shares, depth × lot). Levels are the book's
 * non-empty slots, best first; missing levels are LOBSTER's dummies (±9999999999, size 0).
 */
export function lobsterBookLine(book: Book, tickSize: number, lot: number): string {
  const k = book.levels;
  let line = "";
  for (let level = 0, a = 0, b = 0; level < k; level++, a++, b++) {
    while (a < k && book.askDepth[a] <= 0) a++;
    while (b < k && book.bidDepth[b] <= 0) b++;
    const ask = a < k ? `${book.askPrice[a] * tickSize},${book.askDepth[a] * lot}` : EMPTY_ASK;
    const bid = b < k ? `${book.bidPrice[b] * tickSize},${book.bidDepth[b] * lot}` : EMPTY_BID;
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
 * LOBSTER's two files for a session, by replaying its events on the book seeded from the header.
 * An execution at a price other than the replayed best means the book cannot be replayed from
 * the records alone (a run with --theta-reinit redraws depths from the RNG): that is an error.
 */
export function writeLobster(
  log: SessionLog,
  session: ExportSession,
  files: SessionFiles,
  layout: ExportLayout,
): void {
  if (session.thetaReinit > 0) {
    throw new DataError(
      `made with --theta-reinit ${session.thetaReinit}, which redraws the book's depths from the ` +
        `random generator: the book cannot be rebuilt from the records`,
      { source: session.path },
    );
  }
  const h = log.header;
  const lot = layout.lotSize;
  const book = openingBook(h);
  const names = lobsterNames(session, h, book.levels);
  const messages = files.text(names.message);
  const orderbook = files.text(names.orderbook);
  let n = 0;
  log.forEach((r) => {
    const best = r.type === EventType.EXECUTE_BUY
      ? book.askPrice[0]
      : r.type === EventType.EXECUTE_SELL
      ? book.bidPrice[0]
      : r.priceTicks;
    if (best !== r.priceTicks) {
      throw new DataError(
        `record ${n} (order ${r.orderId}) executes at ${r.priceTicks} but the rebuilt book's ` +
          `best is ${best}: the book cannot be rebuilt from the records ` +
          `(was the run made with --theta-reinit?)`,
        { source: log.name },
      );
    }
    const m = lobsterMessage(r, book);
    book.apply(r.type, r.priceTicks, r.qty);
    messages.line(
      `${lobsterTime(r.tsNs)},${m.type},${r.orderId},${r.qty * lot},${
        r.priceTicks * h.tickSize
      },${m.direction}`,
    );
    orderbook.line(lobsterBookLine(book, h.tickSize, lot));
    n++;
  });
}
