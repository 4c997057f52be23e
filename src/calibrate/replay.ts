import { Book } from "../book/book.ts";
import type { QrsdpReader } from "../format/reader.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { ASK, BID } from "./sojourns.ts";
import type { SojournCells } from "./sojourns.ts";

const TWO_POW_32 = 4294967296;
/** 09:30, the market open assumed for a header whose market_open_ns is 0. */
const DEFAULT_OPEN_NS = 34_200e9;

export interface ReplayOptions {
  /** The established tool's quirks: clock from midnight, header depth 0 replayed as 5. */
  compat: boolean;
  /**
   * Also count the time a queue spent at its size before a price change (or the file's end)
   * re-started its clock. The established estimator drops that time, which inflates every rate.
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
 * Replays one file's records through a fresh book seeded from its header and adds every
 * sojourn it observes on levels below `cells.levels` to `cells` (calibration.md §3-4).
 */
export function replayFile(
  reader: QrsdpReader,
  cells: SojournCells,
  options: ReplayOptions,
): ReplayCounts {
  const h = reader.header;
  const depth = h.initialDepth > 0 ? h.initialDepth : options.compat ? 5 : 50;
  const book = new Book(h.levelsPerSide, depth);
  book.seed(h.p0Ticks, h.initialSpreadTicks);
  const slots = book.levels;
  const useK = h.levelsPerSide === 0 ? cells.levels : Math.min(cells.levels, h.levelsPerSide);
  const bidPrice = book.bidPrice, bidDepth = book.bidDepth;
  const askPrice = book.askPrice, askDepth = book.askDepth;

  // Trackers per (side, slot): when the queue's current sojourn began, and its size then.
  const lastTime = new Float64Array(2 * slots);
  const lastN = new Int32Array(2 * slots);
  const trackedSlots = Math.min(slots, useK);
  const censor = (t: number) => {
    for (let side = BID; side <= ASK; side++) {
      for (let k = 0; k < trackedSlots; k++) {
        const dt = t - lastTime[side * slots + k];
        if (dt > 0) cells.addExposure(side, k, lastN[side * slots + k], dt);
      }
    }
  };
  /** Every queue's sojourn starts now, at its current size. */
  const restart = (t: number) => {
    for (let k = 0; k < slots; k++) {
      lastTime[k] = t;
      lastN[k] = bidDepth[k];
      lastTime[slots + k] = t;
      lastN[slots + k] = askDepth[k];
    }
  };
  const open = options.compat ? 0 : nsToSeconds(h.marketOpenNs || DEFAULT_OPEN_NS);
  restart(open);
  let t = open;

  let events = 0, sojourns = 0, mismatches = 0;
  let largest = 0;
  for (const c of reader.chunks) largest = Math.max(largest, c.recordCount);
  const buffer = new Uint8Array(largest * RECORD_SIZE);
  const view = new DataView(buffer.buffer);
  for (let chunk = 0; chunk < reader.chunks.length; chunk++) {
    const size = reader.chunkRecords(chunk, buffer).length;
    events += size / RECORD_SIZE;
    for (let o = 0; o < size; o += RECORD_SIZE) {
      t = nsToSeconds(view.getUint32(o + 4, true) * TWO_POW_32 + view.getUint32(o, true));
      const type = buffer[o + 8];
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
      if (type === 4 && price !== bestAsk) {
        mismatches++;
        options.onPriceMismatch(
          `QRSDP: EXECUTE_BUY target price ${price} != best ask ${bestAsk} (not k=0)`,
        );
      } else if (type === 5 && price !== bestBid) {
        mismatches++;
        options.onPriceMismatch(
          `QRSDP: EXECUTE_SELL target price ${price} != best bid ${bestBid} (not k=0)`,
        );
      }
      book.apply(type, price, view.getUint32(o + 14, true));
      if (bidPrice[0] !== bestBid || askPrice[0] !== bestAsk) {
        if (options.censored) censor(t);
        restart(t);
      } else if (tracked) lastN[tracker] = depths[level];
    }
  }
  if (options.censored) censor(t);
  return { events, sojourns, priceMismatches: mismatches };
}

/** A multiplication by the double nearest 1e-9, as the established tool does; not ns / 1e9. */
export function nsToSeconds(ns: number): number {
  return ns * 1e-9;
}

/** The first slot whose price is exactly `price`, or -1. */
function slotOf(prices: Int32Array, price: number): number {
  for (let k = 0; k < prices.length; k++) if (prices[k] === price) return k;
  return -1;
}
