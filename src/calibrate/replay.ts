import { Book } from "../book/book.ts";
import type { FileHeader } from "../format/header.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { ASK, BID } from "./sojourns.ts";
import type { SojournCells } from "./sojourns.ts";

const TWO_POW_32 = 4294967296;
/** 09:30, the market open assumed for a header whose market_open_ns is 0. */
const DEFAULT_OPEN_NS = 34_200e9;

export interface ReplayOptions {
  /** The C++ reference implementation's quirks: clock from midnight, header depth 0 replayed as 5. */
  compat: boolean;
  /**
   * Also count the time a queue spent at its size before a price change (or the file's end)
   * re-started its clock. The reference estimator drops that time, which inflates every rate.
   */
  censored: boolean;
  /** Called before an execution whose price is not the replay's best (compat: one line each). */
  onPriceMismatch: (line: string) => void;
}

export interface ReplayCounts {
  events: number;
  sojourns: number;
  priceMismatches: number;
}

/**
 * Replays one file's records (its chunks' raw 26-byte records, in order) through a fresh book
 * seeded from its header and adds every sojourn it observes on levels below `cells.levels` to
 * `cells` (calibration.md §3-4).
 */
export function replayFile(
  header: FileHeader,
  chunks: Iterable<Uint8Array>,
  cells: SojournCells,
  options: ReplayOptions,
): ReplayCounts {
  const replay = new Replay(header, cells, options);
  for (const records of chunks) replay.records(records);
  if (options.censored) replay.censor(replay.t);
  return { events: replay.events, sojourns: replay.sojourns, priceMismatches: replay.mismatches };
}

/** A multiplication by the double nearest 1e-9, as the C++ reference implementation does; not ns / 1e9. */
export function nsToSeconds(ns: number): number {
  return ns * 1e-9;
}

/** The replay book and the trackers of one file; `records` takes one chunk's records. */
class Replay {
  events = 0;
  sojourns = 0;
  mismatches = 0;
  /** Time of the latest record, in seconds since midnight. */
  t: number;
  private readonly book: Book;
  private readonly slots: number;
  /** Levels tracked in this file: min(K, the file's levels), or K if its header says 0. */
  private readonly useK: number;
  // Trackers per (side, slot), bid slots then ask slots: when the queue's current sojourn
  // began, and its size then.
  private readonly lastTime: Float64Array;
  private readonly lastN: Int32Array;

  constructor(
    h: FileHeader,
    private readonly cells: SojournCells,
    private readonly options: ReplayOptions,
  ) {
    const depth = h.initialDepth > 0 ? h.initialDepth : options.compat ? 5 : 50;
    this.book = new Book(h.levelsPerSide, depth);
    this.book.seed(h.p0Ticks, h.initialSpreadTicks);
    this.slots = this.book.levels;
    this.useK = h.levelsPerSide === 0 ? cells.levels : Math.min(cells.levels, h.levelsPerSide);
    this.lastTime = new Float64Array(2 * this.slots);
    this.lastN = new Int32Array(2 * this.slots);
    this.t = options.compat ? 0 : nsToSeconds(h.marketOpenNs || DEFAULT_OPEN_NS);
    this.restart(this.t);
  }

  records(bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = bytes.length;
    const book = this.book, cells = this.cells, slots = this.slots, useK = this.useK;
    const lastTime = this.lastTime, lastN = this.lastN;
    const bidPrice = book.bidPrice, bidDepth = book.bidDepth;
    const askPrice = book.askPrice, askDepth = book.askDepth;
    let sojourns = 0, t = this.t;
    for (let o = 0; o < size; o += RECORD_SIZE) {
      t = nsToSeconds(view.getUint32(o + 4, true) * TWO_POW_32 + view.getUint32(o, true));
      const type = bytes[o + 8];
      const price = view.getInt32(o + 10, true);
      let side: number, level: number;
      switch (type) {
        case 0:
          side = BID;
          level = Math.max(slotOf(bidPrice, price), 0);
          break;
        case 1:
          side = ASK;
          level = Math.max(slotOf(askPrice, price), 0);
          break;
        case 2:
          side = BID;
          level = slotOf(bidPrice, price);
          break;
        case 3:
          side = ASK;
          level = slotOf(askPrice, price);
          break;
        case 4:
          side = ASK;
          level = 0;
          break;
        case 5:
          side = BID;
          level = 0;
          break;
        default:
          continue; // neither tracked nor applied
      }
      const depths = side === BID ? bidDepth : askDepth;
      const tracked = level >= 0 && level < useK;
      const tracker = side * slots + level;
      if (tracked) {
        const dt = t - lastTime[tracker];
        if (dt > 0) {
          cells.add(side, level, lastN[tracker], dt, type);
          sojourns++;
        }
        lastTime[tracker] = t;
        lastN[tracker] = depths[level];
      }
      const bestBid = bidPrice[0], bestAsk = askPrice[0];
      if ((type === 4 && price !== bestAsk) || (type === 5 && price !== bestBid)) {
        this.mismatch(type, price, bestBid, bestAsk);
      }
      book.apply(type, price, view.getUint32(o + 14, true));
      if (bidPrice[0] !== bestBid || askPrice[0] !== bestAsk) {
        if (this.options.censored) this.censor(t);
        this.restart(t);
      } else if (tracked) lastN[tracker] = depths[level];
    }
    this.t = t;
    this.sojourns += sojourns;
    this.events += size / RECORD_SIZE;
  }

  /** Every queue's sojourn starts now, at its current size. */
  private restart(t: number): void {
    const book = this.book, slots = this.slots;
    for (let k = 0; k < slots; k++) {
      this.lastTime[k] = t;
      this.lastN[k] = book.bidDepth[k];
      this.lastTime[slots + k] = t;
      this.lastN[slots + k] = book.askDepth[k];
    }
  }

  /** Adds the time at risk of every tracked queue's unfinished sojourn, without an event. */
  censor(t: number): void {
    const tracked = Math.min(this.slots, this.useK);
    for (let side = BID; side <= ASK; side++) {
      for (let k = 0; k < tracked; k++) {
        const tracker = side * this.slots + k;
        const dt = t - this.lastTime[tracker];
        if (dt > 0) this.cells.addExposure(side, k, this.lastN[tracker], dt);
      }
    }
  }

  private mismatch(type: number, price: number, bestBid: number, bestAsk: number): void {
    this.mismatches++;
    this.options.onPriceMismatch(
      type === 4
        ? `QRSDP: EXECUTE_BUY target price ${price} != best ask ${bestAsk} (not k=0)`
        : `QRSDP: EXECUTE_SELL target price ${price} != best bid ${bestBid} (not k=0)`,
    );
  }
}

/** The first slot whose price is exactly `price`, or -1. */
function slotOf(prices: Int32Array, price: number): number {
  for (let k = 0; k < prices.length; k++) if (prices[k] === price) return k;
  return -1;
}
