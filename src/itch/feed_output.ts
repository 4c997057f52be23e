/** Where a feed's framed messages go (daily files, MoldUDP64 over UDP, or several). */
export interface FeedOutput {
  /** `date` is YYYY-MM-DD. */
  beginDay(date: string): void | Promise<void>;
  /**
   * Framed messages (u16 length, message), `messages` of them. The bytes stay as they are until
   * the next call to `write` (an output may still be writing them out when this one returns, and
   * must be done with them before the next returns). `dueMs`: when a paced feed meant them to
   * leave (`performance.now()` clock).
   */
  write(framed: Uint8Array, messages: number, dueMs?: number): void | Promise<void>;
  /** Called before the feed waits for its next due message (paced feeds). */
  idle?(): void | Promise<void>;
  /** The day is complete (after its `C`). */
  endDay(): void | Promise<void>;
  /** Gives up the day in hand: a file in progress is removed. */
  abort(): void | Promise<void>;
  close(): void | Promise<void>;
}

/** Sends every call to each output in turn. */
export class TeeOutput implements FeedOutput {
  constructor(private readonly outputs: FeedOutput[]) {}

  async beginDay(date: string) {
    for (const o of this.outputs) await o.beginDay(date);
  }
  async write(framed: Uint8Array, messages: number, dueMs?: number) {
    for (const o of this.outputs) await o.write(framed, messages, dueMs);
  }
  async idle() {
    for (const o of this.outputs) await o.idle?.();
  }
  async endDay() {
    for (const o of this.outputs) await o.endDay();
  }
  async abort() {
    for (const o of this.outputs) await o.abort();
  }
  async close() {
    for (const o of this.outputs) await o.close();
  }
}
