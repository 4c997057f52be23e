import type { EventRecord } from "../core/events.ts";
import type { FileHeader } from "../format/header.ts";
import { encodeRecord, RECORD_SIZE } from "../format/record.ts";
import type { SessionInfo, Sink, SinkReport } from "./sink.ts";

/**
 * What a tap sends to the thread that consumes a run's records as they are made (the live ITCH
 * feed): each session's start, its records in batches of 26-byte records, and its end.
 * `credits` counts the batches sent and not yet consumed; the consumer decrements it.
 */
export type TapMessage =
  | {
    kind: "tap-begin";
    symbol: string | null;
    date: string;
    header: FileHeader;
    credits: SharedArrayBuffer;
  }
  | { kind: "tap-records"; symbol: string | null; records: Uint8Array }
  | { kind: "tap-end"; symbol: string | null };

/** Records per batch, when not flushed earlier (a paced run flushes before each wait). */
const BATCH_RECORDS = 4096;
/** Batches on their way before the generator waits for the consumer. */
const MAX_OUTSTANDING = 16;

/**
 * A sink that hands every record to another thread. When that thread falls behind by
 * MAX_OUTSTANDING batches, `append` returns a promise that resolves once it catches up.
 */
export class TapSink implements Sink {
  readonly name = "tap";
  private readonly outstanding = new Int32Array(new SharedArrayBuffer(4));
  private batch = new Uint8Array(BATCH_RECORDS * RECORD_SIZE);
  private view = new DataView(this.batch.buffer);
  private count = 0;
  private symbol: string | null = null;
  private appended = 0;

  constructor(private readonly post: (m: TapMessage) => void) {}

  beginSession(s: SessionInfo): void {
    this.symbol = s.symbol;
    this.post({
      kind: "tap-begin",
      symbol: s.symbol,
      date: s.date,
      header: s.header,
      credits: this.outstanding.buffer as SharedArrayBuffer,
    });
  }

  append(rec: EventRecord): void | Promise<void> {
    encodeRecord(rec, this.view, this.count * RECORD_SIZE);
    this.appended++;
    if (++this.count === BATCH_RECORDS) return this.send();
  }

  flush(): void | Promise<void> {
    if (this.count > 0) return this.send();
  }

  async endSession(): Promise<void> {
    if (this.count > 0) await this.send();
    this.post({ kind: "tap-end", symbol: this.symbol });
  }

  close(): Promise<SinkReport> {
    return Promise.resolve({
      name: this.name,
      appended: this.appended,
      delivered: this.appended,
      failures: 0,
    });
  }

  private send(): void | Promise<void> {
    const records = this.batch.slice(0, this.count * RECORD_SIZE);
    this.count = 0;
    Atomics.add(this.outstanding, 0, 1);
    this.post({ kind: "tap-records", symbol: this.symbol, records });
    if (Atomics.load(this.outstanding, 0) >= MAX_OUTSTANDING) return this.waitForConsumer();
  }

  private async waitForConsumer(): Promise<void> {
    for (;;) {
      const n = Atomics.load(this.outstanding, 0);
      if (n < MAX_OUTSTANDING) return;
      const w = Atomics.waitAsync(this.outstanding, 0, n, 100);
      if (w.async) await w.value;
    }
  }
}

/** The consumer's side: one batch consumed. */
export function creditBatch(credits: SharedArrayBuffer): void {
  const cell = new Int32Array(credits);
  Atomics.sub(cell, 0, 1);
  Atomics.notify(cell, 0);
}
