import { RECORD_SIZE } from "../format/record.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { creditBatch } from "../sinks/tap_sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import { DEFAULT_SYMBOL, FeedDay } from "./feed_day.ts";
import { ReusedRecord } from "../core/events.ts";
import type { FeedSecurity } from "./feed_day.ts";
import type { FeedOutput } from "./feed_output.ts";
import { ItchBuffer } from "./messages.ts";
import { TimeHeap } from "./time_heap.ts";

export interface LiveFeedReport {
  days: number;
  records: number;
  messages: number;
  /** Why the feed stopped, if it failed (the run itself went on). */
  error?: string;
}

type Pending =
  | { kind: "begin"; security: FeedSecurity; date: string }
  | { kind: "records"; records: Uint8Array; credits: SharedArrayBuffer }
  | { kind: "end" };

/** A batch of a security's records being merged, and where the next record is. */
interface Head {
  records: Uint8Array;
  view: DataView;
  at: number;
  credits: SharedArrayBuffer;
}

/**
 * The ITCH feed of a run as it generates: every security's records arrive from the workers (in
 * file order per security) and go through one day's order images, so order reference and match
 * numbers are unique for the day across all securities. A day opens once every security has
 * begun it and closes once every one has ended it. Within a day the securities are merged by
 * `ts_ns` (ties: security order, then file order), as `qrsdp itch` merges the files: a record goes
 * on only when every security has shown its next record or its end of day, so a slow worker holds
 * the fast ones back (each worker's tap waits when 16 of its batches are not consumed).
 */
export class LiveFeed {
  private readonly queues: Pending[][];
  private readonly credits: (SharedArrayBuffer | null)[];
  private readonly heads: (Head | null)[];
  /** The securities with a record in hand, in line by (ts_ns, index). */
  private readonly heap: TimeHeap;
  /** Securities with no record in hand that have not ended the day. */
  private missing: number[] = [];
  private readonly out = new ItchBuffer(1 << 16);
  private readonly rec = new ReusedRecord();
  private day: FeedDay | null = null;
  private working: Promise<void> = Promise.resolve();
  private failed: Error | null = null;
  readonly report: LiveFeedReport = { days: 0, records: 0, messages: 0 };

  constructor(
    private readonly symbols: (string | null)[],
    private readonly lot: number,
    private readonly output: FeedOutput,
    private readonly sizes: SizeDistribution | null = null,
  ) {
    this.queues = symbols.map(() => []);
    this.credits = symbols.map(() => null);
    this.heads = symbols.map(() => null);
    this.heap = new TimeHeap(symbols.length);
  }

  /** Takes one message of a worker's tap; the feed works through it in the background. */
  handle(m: TapMessage): void {
    const i = this.symbols.indexOf(m.symbol);
    if (i < 0) return;
    if (m.kind === "tap-begin") {
      this.credits[i] = m.credits;
      this.queues[i].push({
        kind: "begin",
        date: m.date,
        security: { symbol: m.symbol ?? DEFAULT_SYMBOL, header: m.header },
      });
    } else if (m.kind === "tap-records") {
      this.queues[i].push({ kind: "records", records: m.records, credits: this.credits[i]! });
    } else {
      this.queues[i].push({ kind: "end" });
    }
    this.working = this.working.then(() => this.pump()).catch((e) => {
      this.failed ??= e instanceof Error ? e : new Error(String(e));
    });
  }

  /** Waits until everything handed in is on the feed; closes a day left open by a stop. */
  async finish(): Promise<LiveFeedReport> {
    await this.working;
    if (this.day) await this.endDay();
    await this.guard(() => this.output.close());
    this.release();
    if (this.failed) this.report.error = this.failed.message;
    return this.report;
  }

  /** Closes the day in hand: its closing messages, then the output's end of day. */
  private async endDay(): Promise<void> {
    await this.guard(async () => {
      this.day!.close();
      await this.flush();
      await this.output.endDay();
      this.report.days++;
    });
    this.day = null;
  }

  private async guard(fn: () => void | Promise<void>): Promise<void> {
    if (this.failed) return;
    try {
      await fn();
    } catch (e) {
      this.failed = e instanceof Error ? e : new Error(String(e));
      await Promise.resolve().then(() => this.output.abort()).catch(() => {});
    }
  }

  private async flush(): Promise<void> {
    if (this.out.length === 0) return;
    this.report.messages += this.out.messages;
    await this.output.write(this.out.data, this.out.messages);
    this.out.clear();
  }

  private async pump(): Promise<void> {
    for (;;) {
      if (this.failed) {
        // The feed is gone; keep the generators running.
        this.release();
        return;
      }
      if (!this.day) {
        if (!this.queues.every((q) => q[0]?.kind === "begin")) return;
        const begins = this.queues.map((q) => q.shift() as Extract<Pending, { kind: "begin" }>);
        await this.guard(async () => {
          await this.output.beginDay(begins[0].date);
          this.day = new FeedDay(
            begins.map((b) => b.security),
            this.lot,
            this.out,
            this.sizes,
          );
          this.heap.clear();
          this.missing = this.symbols.map((_, i) => i);
          this.day.open();
          await this.flush();
        });
        continue;
      }
      let ended = false;
      await this.guard(async () => {
        ended = await this.merge();
      });
      await this.guard(() => this.flush());
      if (this.failed) continue;
      if (!ended) return;
      for (const q of this.queues) q.shift();
      await this.endDay();
    }
  }

  /** Whatever could not go on the feed still frees its worker. */
  private release(): void {
    for (const q of this.queues) {
      for (const p of q.splice(0)) if (p.kind === "records") creditBatch(p.credits);
    }
    for (const [i, h] of this.heads.entries()) {
      if (h) creditBatch(h.credits);
      this.heads[i] = null;
    }
    this.heap.clear();
  }

  /**
   * Applies the day's records in time order as far as every security has shown its next one;
   * true when every security has reached its end of day. The securities with a record in hand
   * are a heap on (ts_ns, index), so a full market costs log(securities) a step.
   */
  private async merge(): Promise<boolean> {
    const heads = this.heads, heap = this.heap;
    for (;;) {
      // Those without a record in hand take their next batch, or wait for it.
      const waiting: number[] = [];
      for (const i of this.missing) {
        const q = this.queues[i];
        if (q[0]?.kind === "end") continue;
        if (q[0]?.kind !== "records") {
          waiting.push(i);
          continue;
        }
        const p = q.shift() as Extract<Pending, { kind: "records" }>;
        const view = new DataView(p.records.buffer, p.records.byteOffset, p.records.byteLength);
        const h = heads[i] = { records: p.records, view, at: 0, credits: p.credits };
        heap.push(i, tsAt(h));
      }
      this.missing = waiting;
      if (waiting.length > 0) return false;
      if (heap.size === 0) return true;
      // The first goes on up to the next record of any other security (a tie goes to the lower).
      const pick = heap.top, next = heap.second;
      const h = heads[pick]!;
      await this.apply(pick, h, heap.secondTs, next < 0 || pick < next);
      if (h.at < h.records.length) heap.replaceTop(tsAt(h));
      else {
        creditBatch(h.credits);
        heads[pick] = null;
        heap.pop();
        this.missing = [pick];
      }
    }
  }

  /** Applies the head's records while their time is before `limit` (or at it, with `tie`). */
  private async apply(security: number, h: Head, limit: number, tie: boolean): Promise<void> {
    const v = h.view, rec = this.rec, day = this.day!;
    while (h.at < h.records.length) {
      const ts = tsAt(h);
      if (ts > limit || (ts === limit && !tie)) return;
      const o = h.at;
      rec.tsNs = ts;
      rec.type = v.getUint8(o + 8);
      rec.priceTicks = v.getInt32(o + 10, true);
      rec.qty = v.getUint32(o + 14, true);
      day.apply(security, rec);
      h.at += RECORD_SIZE;
      this.report.records++;
      if (this.out.length >= 1 << 15) await this.flush();
    }
  }
}

function tsAt(h: Head): number {
  return h.view.getUint32(h.at + 4, true) * 4294967296 + h.view.getUint32(h.at, true);
}
