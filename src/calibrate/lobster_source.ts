import { DataError } from "../core/errors.ts";
import { EventType } from "../core/events.ts";
import { CsvReader } from "./csv_reader.ts";
import { RepeatingCsvReader } from "./repeating_csv_reader.ts";
import type { ChangedRow } from "./repeating_csv_reader.ts";
import { levelOf } from "./level_view.ts";
import type { LevelView, ShareBook } from "./level_view.ts";
import {
  checkPrices,
  checkWidth,
  DUMMY_PRICE,
  ORDERBOOK_FIELDS,
  startOrderbookCheck,
  toTicks,
} from "./orderbook_check.ts";
import type { OrderbookVerdict, PendingCheck } from "./orderbook_check.ts";
import { PriceLadder } from "./price_ladder.ts";

/** LOBSTER's message file and, when there is one, its orderbook file (the book after each message). */
export interface LobsterPair {
  message: string;
  orderbook: string | null;
}

const MESSAGE_FIELDS = 6;
const HALT = 7, HALT_BEGINS = -1, TRADING_RESUMES = 1;

/** What one pass over a LOBSTER day saw, beyond the observations. */
export interface LobsterPass {
  messages: number;
  /** Messages that are events (types 1-4 while trading). */
  events: number;
  /** Per level: summed sizes and number of the events there (for the average event size). */
  sizeSum: Float64Array;
  sizeCount: Float64Array;
  /** Levels 0..N-1 known at every event (from the orderbook's depth, or removals that fit). */
  trustedLevels: number;
  /** The first mid, in ticks; the first and last times; the book at the start in shares per level. */
  firstMid: number;
  start: number;
  end: number;
}

/** The orderbook file's row as a share book: up to L levels per side, best first. */
class RowBook implements ShareBook {
  bestBid = -1;
  bestAsk = -1;
  /** Tick levels known on both sides. */
  known = 0;
  /** After `update`: the side and tick of the one queue that changed, side -1 when more may have. */
  changedSide = -1;
  changedTick = 0;
  private readonly askPrice: Float64Array;
  private readonly askTicks: Float64Array;
  private readonly askShares: Float64Array;
  private readonly bidPrice: Float64Array;
  private readonly bidTicks: Float64Array;
  private readonly bidShares: Float64Array;
  private readonly depth: number;

  constructor(levels: number) {
    this.depth = levels;
    this.askPrice = new Float64Array(levels).fill(NaN);
    this.askTicks = new Float64Array(levels);
    this.askShares = new Float64Array(levels);
    this.bidPrice = new Float64Array(levels).fill(NaN);
    this.bidTicks = new Float64Array(levels);
    this.bidShares = new Float64Array(levels);
  }

  /**
   * Takes the reader's row (ask price, ask size, bid price, bid size per level). A row that
   * differs from the one before only in one level's size changes that queue alone.
   */
  update(reader: ChangedRow, tick: number): void {
    const from = reader.changedFrom, to = reader.changedTo, f = reader.fields;
    if (to === from + 1 && (from & 1) === 1) {
      const l = from >> 2, bid = (from & 2) !== 0;
      const ticks = bid ? this.bidTicks[l] : this.askTicks[l];
      if (ticks >= 0) {
        (bid ? this.bidShares : this.askShares)[l] = f[from];
        this.changedSide = bid ? 0 : 1;
        this.changedTick = ticks;
        return;
      }
    }
    this.changedSide = -1;
    if (from !== to) this.set(f, tick, reader);
  }

  private set(fields: Float64Array, tick: number, reader: ChangedRow): void {
    let askReal = 0, bidReal = 0;
    for (let l = 0; l < this.depth; l++) {
      const ap = fields[4 * l], bp = fields[4 * l + 2];
      if (ap !== this.askPrice[l]) {
        this.askPrice[l] = ap;
        this.askTicks[l] = Math.abs(ap) >= DUMMY_PRICE ? -1 : toTicks(ap, tick, reader);
      }
      if (bp !== this.bidPrice[l]) {
        this.bidPrice[l] = bp;
        this.bidTicks[l] = Math.abs(bp) >= DUMMY_PRICE ? -1 : toTicks(bp, tick, reader);
      }
      this.askShares[l] = fields[4 * l + 1];
      this.bidShares[l] = fields[4 * l + 3];
      if (this.askTicks[l] >= 0) askReal++;
      if (this.bidTicks[l] >= 0) bidReal++;
    }
    this.bestAsk = this.askTicks[0];
    this.bestBid = this.bidTicks[0];
    // A side listing all L levels is known down to its L-th price; a side with fewer is whole.
    const askKnown = askReal === this.depth
      ? this.askTicks[this.depth - 1] - this.bestAsk + 1
      : Infinity;
    const bidKnown = bidReal === this.depth
      ? this.bestBid - this.bidTicks[this.depth - 1] + 1
      : Infinity;
    this.known = Math.min(askKnown, bidKnown);
  }

  shares(side: number, tick: number): number {
    const ticks = side === 0 ? this.bidTicks : this.askTicks;
    for (let l = 0; l < this.depth; l++) {
      if (ticks[l] === tick) return (side === 0 ? this.bidShares : this.askShares)[l];
    }
    return 0;
  }
}

/**
 * The book rebuilt from the messages, set from an orderbook row (the book after the message)
 * wherever it cannot be trusted: at the start, and when a price beyond the ones it knows comes
 * into the model's levels (the row lists `depth` prices a side, at least as many as the levels).
 */
class RebuiltBook {
  readonly ladder = new PriceLadder();
  /** Prices known exactly: asks up to askBound, bids down to bidBound (ticks). */
  private askBound = -Infinity;
  private bidBound = Infinity;
  private readonly ticks: Float64Array;
  private readonly shares: Float64Array;

  constructor(private readonly depth: number, private readonly levels: number) {
    this.ticks = new Float64Array(depth);
    this.shares = new Float64Array(depth);
  }

  /** Whether levels 0..K-1 of both sides are known. */
  trusted(): boolean {
    const ask = this.ladder.bestAsk, bid = this.ladder.bestBid, k = this.levels - 1;
    return (ask >= 0 ? ask + k <= this.askBound : this.askBound === Infinity) &&
      (bid >= 0 ? bid - k >= this.bidBound : this.bidBound === -Infinity);
  }

  /**
   * Takes the row's book (ask price, ask size, bid price, bid size per level; prices already
   * checked on the tick); returns how many tick levels it knows on both sides.
   */
  load(fields: Float64Array, tick: number): number {
    let known = Infinity;
    for (let side = 0; side < 2; side++) {
      let n = 0;
      for (let l = 0; l < this.depth; l++) {
        const price = fields[4 * l + 2 - 2 * side];
        const ticks = Math.abs(price) >= DUMMY_PRICE ? -1 : Math.round(price / tick);
        if (ticks < 0) continue;
        this.ticks[n] = ticks;
        this.shares[n++] = fields[4 * l + 3 - 2 * side];
      }
      // A side listing all its levels is known down to its last price; a side with fewer is whole.
      const whole = n < this.depth, last = this.ticks[n - 1];
      this.ladder.load(side, this.ticks, this.shares, n, whole);
      if (side === 0) this.bidBound = whole ? -Infinity : last;
      else this.askBound = whole ? Infinity : last;
      if (!whole) known = Math.min(known, Math.abs(last - this.ticks[0]) + 1);
    }
    return known;
  }
}

/** The start and end (seconds after midnight) in LOBSTER's file name, TICKER_DATE_START_END_message_L.csv, or null. */
export function lobsterWindow(path: string): { start: number; end: number } | null {
  const m = /_(\d+)_(\d+)_message_\d+\.csv$/.exec(path);
  return m ? { start: Number(m[1]) / 1000, end: Number(m[2]) / 1000 } : null;
}

/** The price tick: the greatest common divisor of the first prices of the message file. */
export function inferTick(path: string): number {
  const reader = new CsvReader(path, MESSAGE_FIELDS + 1);
  try {
    let g = 0;
    for (let i = 0; i < 10_000; i++) {
      const n = reader.next();
      if (n === null) break;
      if (n !== MESSAGE_FIELDS) {
        reader.fail(`${n} fields, a LOBSTER message line has ${MESSAGE_FIELDS}`);
      }
      const price = Math.round(Math.abs(reader.fields[4]));
      if (price > 0 && price < DUMMY_PRICE) g = gcd(g, price);
    }
    if (g === 0) {
      throw new DataError("no price to infer the tick size from (give --tick)", { source: path });
    }
    return g;
  } finally {
    reader.close();
  }
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * Reads one LOBSTER day and drives `view` (and so its sinks): message types 1 (submission),
 * 2 (partial cancel), 3 (deletion) and 4 (visible execution) are events; 5 (hidden execution) and
 * 6 (cross) are not; a halt (7) ends the sampling period, trading's resumption begins a new one.
 * With an orderbook file, the book before a message is the previous row; without one the book is
 * rebuilt from the messages (the first row is the state after the first message, which is not
 * observed).
 */
export function readLobster(
  pair: LobsterPair,
  tick: number,
  view: LevelView,
  workerUrl?: string | URL,
): LobsterPass {
  const levels = view.levels;
  const pass: LobsterPass = {
    messages: 0,
    events: 0,
    sizeSum: new Float64Array(levels),
    sizeCount: new Float64Array(levels),
    trustedLevels: levels,
    firstMid: NaN,
    start: NaN,
    end: NaN,
  };
  const messages = new CsvReader(pair.message, MESSAGE_FIELDS + 1);
  const orderbook = pair.orderbook === null
    ? null
    : new RepeatingCsvReader(pair.orderbook, ORDERBOOK_FIELDS);
  let row: RowBook | null = null, rebuilt: RebuiltBook | null = null, ladder = new PriceLadder();
  const before = { bestBid: -1, bestAsk: -1 };
  let rowWidth = 0, lastPrice = NaN, lastTicks = 0;
  const window = lobsterWindow(pair.message);
  /** Removals larger than the rebuilt level, per level (a book that began before the file). */
  const deficits = new Float64Array(levels);
  let trading = true, started = false, lastTime = -Infinity;
  /** With the rebuilt book: the check of every orderbook row, and the last message whose row is due. */
  let check: PendingCheck | null = null, rowDue = 0;
  /** Row i of the orderbook (the book after message i), the rows between skipped. */
  const rowAt = (i: number): Float64Array => {
    const reader = orderbook!;
    reader.skip(i - 1 - reader.line);
    const m = reader.next() ?? reader.fail(`ends before the message file's line ${i}`);
    checkWidth(reader, m, rowWidth);
    checkPrices(reader, tick);
    return reader.fields;
  };
  try {
    for (;;) {
      const n = messages.next();
      if (n === null) break;
      if (n !== MESSAGE_FIELDS) {
        messages.fail(`${n} fields, a LOBSTER message line has ${MESSAGE_FIELDS}`);
      }
      const f = messages.fields;
      const t = f[0], type = f[1], size = f[3], price = f[4], direction = f[5];
      if (!(t >= lastTime)) messages.fail(`time ${t} is before the previous line's ${lastTime}`);
      lastTime = t;
      if (!Number.isInteger(type) || type < 1 || type > 7) {
        messages.fail(`event type ${type} is not 1-7`);
      }
      if (direction !== 1 && direction !== -1) {
        messages.fail(`direction ${direction} is not 1 or -1`);
      }
      pass.messages++;
      rowDue = messages.line;
      let book: ShareBook;
      if (orderbook && !rebuilt) {
        const m = orderbook.next() ??
          orderbook.fail(`ends before the message file's line ${messages.line}`);
        checkWidth(orderbook, m, rowWidth);
        if (rowWidth === 0) {
          rowWidth = m;
          // A row as deep as the levels or deeper: the book rebuilt from the messages, set from
          // the rows where it cannot be trusted (see RebuiltBook), every row checked beside;
          // shallower, the rows themselves.
          if (m / 4 >= levels) {
            rebuilt = new RebuiltBook(m / 4, levels);
            ladder = rebuilt.ladder;
            checkPrices(orderbook, tick);
            check = startOrderbookCheck(orderbook.path, tick, workerUrl);
          } else row = new RowBook(m / 4);
        }
      }
      if (rebuilt) {
        if (!started) {
          // The book before the first message is not in the files: it starts the sampling period.
          started = true;
          pass.start = window?.start ?? t;
          rebuilt.load(orderbook!.fields, tick);
          pass.firstMid = (ladder.bestBid + ladder.bestAsk) / 2;
          view.begin(t, ladder);
          continue;
        }
        // A cross or a halt: the row says what the book is after it.
        if (type >= 6) rebuilt.load(rowAt(messages.line), tick);
        book = ladder;
      } else if (orderbook) {
        // The book before this message is the row read last: the view reads it now if it must,
        // and the event its best prices, before the row after the message replaces it.
        before.bestBid = row!.bestBid;
        before.bestAsk = row!.bestAsk;
        if (started && trading && type <= 4) view.refresh(row!);
        row!.update(orderbook, tick);
        if (!started) {
          // The book before the first message is not in the files: it starts the sampling period.
          started = true;
          pass.start = window?.start ?? t;
          pass.firstMid = (row!.bestBid + row!.bestAsk) / 2;
          view.begin(t, row!);
          continue;
        }
        if (trading && type <= 4) pass.trustedLevels = Math.min(pass.trustedLevels, row!.known);
        book = row!;
      } else {
        if (!started) {
          started = true;
          pass.start = window?.start ?? t;
          view.begin(pass.start, ladder);
        }
        book = ladder;
      }
      if (type === HALT) {
        if (price === HALT_BEGINS && trading) {
          trading = false;
          view.end(t);
        } else if (price === TRADING_RESUMES && !trading) {
          trading = true;
          view.begin(t, book);
        }
        view.touch();
        continue;
      }
      if (type >= 5) {
        view.touch(); // hidden executions and crosses leave the visible book as it is, but a row may not
        continue;
      }
      const side = direction === 1 ? 0 : 1;
      if (price !== lastPrice) {
        lastTicks = toTicks(price, tick, messages);
        lastPrice = price;
      }
      const ticks = lastTicks;
      const isAdd = type === 1;
      if (!trading) {
        if (!row) ladder.change(side, ticks, isAdd ? size : -size);
        if (rebuilt && !rebuilt.trusted()) rebuilt.load(rowAt(messages.line), tick);
        view.touch();
        continue;
      }
      const bests = row ? before : book;
      const level = type === 4 ? 0 : levelOf(bests, side, ticks, isAdd);
      const eventType = type === 1
        ? (side === 0 ? EventType.ADD_BID : EventType.ADD_ASK)
        : type === 4
        ? (side === 0 ? EventType.EXECUTE_SELL : EventType.EXECUTE_BUY)
        : (side === 0 ? EventType.CANCEL_BID : EventType.CANCEL_ASK);
      pass.events++;
      if (level >= 0 && level < levels) {
        pass.sizeSum[level] += size;
        pass.sizeCount[level]++;
      }
      if (Number.isNaN(pass.firstMid) && bests.bestBid >= 0 && bests.bestAsk >= 0) {
        pass.firstMid = (bests.bestBid + bests.bestAsk) / 2;
      }
      view.event(t, side, level, eventType, book);
      if (!row) {
        const missing = ladder.change(side, ticks, isAdd ? size : -size);
        if (!orderbook && missing > 0 && level >= 0 && level < levels) deficits[level] += missing;
      }
      if (rebuilt && !rebuilt.trusted()) {
        const known = rebuilt.load(rowAt(messages.line), tick);
        pass.trustedLevels = Math.min(pass.trustedLevels, known);
        view.after(t, ladder);
      } else if (!row) view.after(t, ladder, side, ticks);
      else if (row!.changedSide >= 0) view.after(t, book, row!.changedSide, row!.changedTick);
      else if (orderbook!.changedFrom === orderbook!.changedTo) view.after(t, book, side, ticks);
      else view.after(t, book);
    }
    if (check) {
      const verdict = check.verdict();
      if (verdict.rows < messages.line) throw orderbookError(pair.orderbook!, verdict);
    }
    if (!started) throw new DataError("no messages", { source: pair.message });
    pass.end = Math.max(window?.end ?? lastTime, lastTime);
    if (trading) view.end(pass.end);
    if (!orderbook) {
      const firstDeficit = deficits.findIndex((d) => d > 0);
      pass.trustedLevels = firstDeficit < 0 ? levels : firstDeficit;
    }
    return pass;
  } catch (e) {
    if (!check || !(e instanceof DataError)) throw e;
    // The orderbook's rows are checked beside the messages: the error of the first bad line,
    // messages and rows taken in the order they are read in step (a message's fields, its row,
    // its price).
    const verdict = check.verdict(), line = messages.line;
    const after = e.source === pair.orderbook || rowDue === line && e.source === pair.message;
    if (verdict.rows + 1 < line || (verdict.rows + 1 === line && after)) {
      throw orderbookError(pair.orderbook!, verdict);
    }
    throw e;
  } finally {
    check?.stop();
    messages.close();
    orderbook?.close();
  }
}

/** The error of the first row that is bad, or missing, in a checked orderbook file. */
function orderbookError(path: string, verdict: OrderbookVerdict): DataError {
  return new DataError(
    verdict.error ??
      `line ${verdict.rows}: ends before the message file's line ${verdict.rows + 1}`,
    { source: path },
  );
}
