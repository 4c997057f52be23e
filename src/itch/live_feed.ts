import { RECORD_SIZE } from "../format/record.ts";
import type { SizeDistribution } from "../model/order_sizes.ts";
import { creditBatch } from "../sinks/tap_sink.ts";
import type { TapMessage } from "../sinks/tap_sink.ts";
import { DEFAULT_SYMBOL, FeedDay } from "./feed_day.ts";
import { ReusedRecord } from "../core/events.ts";
import type { FeedSecurity } from "./feed_day.ts";
import type { FeedOutput } from "./feed_output.ts";
import { ItchBuffer } from "./messages.ts";

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

/**
 * The ITCH feed of a run as it generates: every security's records arrive from the workers (in
 * file order per security) and go through one day's order images, so order reference and match
 * numbers are unique for the day across all securities. A day opens once every security has
 * begun it and closes once every one has ended it; a security that runs ahead waits in a queue.
 * Records of different securities interleave as they arrive.
 */
export class LiveFeed {
  private readonly queues: Pending[][];
  private readonly credits: (SharedArrayBuffer | null)[];
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
    // Whatever could not go on the feed still frees its worker.
    for (const q of this.queues) {
      for (const p of q.splice(0)) if (p.kind === "records") creditBatch(p.credits);
    }
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
        for (const q of this.queues) {
          for (const p of q.splice(0)) if (p.kind === "records") creditBatch(p.credits);
        }
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
          this.day.open();
          await this.flush();
        });
        continue;
      }
      let progressed = false;
      for (const [i, q] of this.queues.entries()) {
        while (q[0]?.kind === "records") {
          const p = q.shift() as Extract<Pending, { kind: "records" }>;
          await this.guard(() => this.apply(i, p.records));
          creditBatch(p.credits);
          progressed = true;
        }
      }
      await this.guard(() => this.flush());
      if (this.queues.every((q) => q[0]?.kind === "end")) {
        for (const q of this.queues) q.shift();
        await this.endDay();
        continue;
      }
      if (!progressed) return;
    }
  }

  private async apply(security: number, records: Uint8Array): Promise<void> {
    const v = new DataView(records.buffer, records.byteOffset, records.byteLength);
    const rec = this.rec, day = this.day!;
    for (let o = 0; o < records.length; o += RECORD_SIZE) {
      rec.tsNs = v.getUint32(o + 4, true) * 4294967296 + v.getUint32(o, true);
      rec.type = v.getUint8(o + 8);
      rec.priceTicks = v.getInt32(o + 10, true);
      rec.qty = v.getUint32(o + 14, true);
      day.apply(security, rec);
      this.report.records++;
      if (this.out.length >= 1 << 15) await this.flush();
    }
  }
}
