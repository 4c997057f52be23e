import { Book } from "../book/book.ts";
import type { FileHeader } from "../format/header.ts";
import type { SessionLog } from "../format/input.ts";
import { RECORD_SIZE } from "../format/record.ts";
import type { LevelBook, ObservationSink } from "./observations.ts";
import { QueueEstimator } from "./queue_estimator.ts";
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
  /** Also files the sojourns by spread (see QueueEstimator). */
  bySpread: SojournCells | null = null,
): ReplayCounts {
  // Levels tracked in this file: min(K, the file's levels), or K if its header says 0.
  const useK = header.levelsPerSide === 0
    ? cells.levels
    : Math.min(cells.levels, header.levelsPerSide);
  let estimator: QueueEstimator | null = null;
  const counts = replayObservations(
    header,
    chunks,
    options,
    (book, t) =>
      estimator = new QueueEstimator(
        cells,
        useK,
        book.bidDepth,
        book.askDepth,
        options.censored,
        t,
        bySpread,
        book,
      ),
  );
  return { ...counts, sojourns: estimator!.sojourns };
}

/**
 * Replays one file as a source of observations: `makeSink` gets the replay book (its slots are
 * the levels) and the start of the sampling period, the market open (midnight in compat mode).
 * The period ends at the session's close, or at the last record if that is later.
 */
export function replayObservations(
  header: FileHeader,
  chunks: Iterable<Uint8Array>,
  options: ReplayOptions,
  makeSink: (book: LevelBook, t: number) => ObservationSink,
): Omit<ReplayCounts, "sojourns"> {
  const replay = new Replay(header, options, makeSink);
  for (const records of chunks) replay.records(records);
  const close = options.compat
    ? replay.t
    : nsToSeconds(header.marketOpenNs || DEFAULT_OPEN_NS) + header.sessionSeconds;
  replay.sink.end(Math.max(replay.t, close));
  return { events: replay.events, priceMismatches: replay.mismatches };
}

/** The records of each sound chunk, in order, streamed in a buffer reused chunk to chunk. */
export function* chunksOf(log: SessionLog): Generator<Uint8Array> {
  for (let c = log.next(); c; c = log.next()) yield log.recordBytes();
}

/** A multiplication by the double nearest 1e-9, as the C++ reference implementation does; not ns / 1e9. */
export function nsToSeconds(ns: number): number {
  return ns * 1e-9;
}

/** The replay book of one file and its sink; `records` takes one chunk's records. */
class Replay {
  events = 0;
  mismatches = 0;
  /** Time of the latest record, in seconds since midnight. */
  t: number;
  readonly sink: ObservationSink;
  private readonly book: Book;

  constructor(
    h: FileHeader,
    private readonly options: ReplayOptions,
    makeSink: (book: LevelBook, t: number) => ObservationSink,
  ) {
    const depth = h.initialDepth > 0 ? h.initialDepth : options.compat ? 5 : 50;
    this.book = new Book(h.levelsPerSide, depth);
    this.book.seed(h.p0Ticks, h.initialSpreadTicks);
    this.t = options.compat ? 0 : nsToSeconds(h.marketOpenNs || DEFAULT_OPEN_NS);
    this.sink = makeSink(this.book, this.t);
    this.sink.begin(this.t);
  }

  records(bytes: Uint8Array): void {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const size = bytes.length;
    const book = this.book, sink = this.sink;
    const bidPrice = book.bidPrice, askPrice = book.askPrice;
    let t = this.t;
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
      sink.event(t, side, level, type);
      const bestBid = bidPrice[0], bestAsk = askPrice[0];
      if ((type === 4 && price !== bestAsk) || (type === 5 && price !== bestBid)) {
        this.mismatch(type, price, bestBid, bestAsk);
      }
      book.apply(type, price, view.getUint32(o + 14, true));
      sink.after(t, bidPrice[0] !== bestBid || askPrice[0] !== bestAsk);
    }
    this.t = t;
    this.events += size / RECORD_SIZE;
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
