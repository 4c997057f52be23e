import type { EventRecord } from "../core/events.ts";
import { ReusedRecord } from "../core/events.ts";
import type { RecordCursor } from "./record_cursor.ts";
import { SessionAhead } from "./session_ahead.ts";
import { TimeHeap } from "./time_heap.ts";

/**
 * The records of one day's sessions in feed order: by `ts_ns`, ties by security order, then file
 * order. Each `next()` first moves on the session of the record it gave last. The sessions are a
 * heap on their next record's time (TimeHeap), so each step costs log(securities).
 */
export class RecordMerge {
  /** The record `next()` loaded, valid until the following `next()`. */
  readonly rec: EventRecord = new ReusedRecord();
  /** Its security's index among the cursors given. */
  security = -1;
  private readonly heap: TimeHeap;
  private readonly ahead: SessionAhead;
  private started = false;

  constructor(cursors: RecordCursor[]) {
    this.heap = new TimeHeap(cursors.length);
    this.ahead = new SessionAhead(cursors);
    for (let s = 0; s < cursors.length; s++) {
      if (this.ahead.has(s)) this.heap.push(s, this.ahead.tsNs(s));
    }
  }

  /** Loads the next record into `rec`; false when every session is done. */
  next(): boolean {
    const heap = this.heap, ahead = this.ahead;
    if (this.started && heap.size > 0) {
      const s = heap.top;
      if (ahead.advance(s)) heap.replaceTop(ahead.tsNs(s));
      else heap.pop();
    }
    this.started = true;
    if (heap.size === 0) {
      this.security = -1;
      return false;
    }
    ahead.load(this.security = heap.top, this.rec);
    return true;
  }
}
