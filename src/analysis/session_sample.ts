import { Book } from "../book/book.ts";
import type { EventRecord } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { IntervalSampler, logReturns } from "./stylized_facts.ts";
import type { SessionSample } from "./stylized_facts.ts";

const HALF_HOUR_NS = 1800e9;

/**
 * Builds a session's sample (stylized_facts.ts) from its records, in order, replaying the book
 * from the header as every reader does: 1-minute (or `intervalSeconds`) mid returns, the waits
 * between events, the events of each half hour.
 */
export class SessionSampler {
  private readonly book: Book;
  private readonly sampler: IntervalSampler;
  private readonly openMid: number;
  private readonly waits: number[] = [];
  private readonly halfHours: number[];
  private last: number;

  constructor(private readonly header: FileHeader, intervalSeconds = 60) {
    this.book = new Book(header.levelsPerSide, header.initialDepth);
    this.book.seed(header.p0Ticks, header.initialSpreadTicks);
    this.openMid = this.mid();
    this.sampler = new IntervalSampler(
      header.marketOpenNs,
      header.sessionSeconds,
      this.openMid,
      intervalSeconds,
    );
    this.halfHours = new Array(Math.ceil(header.sessionSeconds / 1800)).fill(0);
    this.last = header.marketOpenNs;
  }

  push(r: EventRecord): void {
    this.book.apply(r.type, r.priceTicks, r.qty);
    this.sampler.push(r.tsNs, this.mid());
    this.waits.push((r.tsNs - this.last) / 1e9);
    this.last = r.tsNs;
    const bucket = Math.floor((r.tsNs - this.header.marketOpenNs) / HALF_HOUR_NS);
    this.halfHours[Math.min(bucket, this.halfHours.length - 1)]++;
  }

  sample(): SessionSample {
    return {
      returns: logReturns(this.openMid, this.sampler.closes()),
      interArrivals: this.waits,
      halfHours: this.halfHours,
    };
  }

  private mid(): number {
    return (this.book.bidPrice[0] + this.book.askPrice[0]) / 2;
  }
}
