import type { EventRecord } from "../core/events.ts";
import { ReusedRecord } from "../core/events.ts";
import { RECORD_SIZE } from "../format/record.ts";
import type { RecordCursor } from "./record_cursor.ts";
import { TimeHeap } from "./time_heap.ts";

/** Records each session has copied out ahead: few, so that all of a full market's stay cached. */
const AHEAD = 16;

/**
 * The records of one day's sessions in feed order: by `ts_ns`, ties by security order, then file
 * order. Each `next()` first moves on the session of the record it gave last. The sessions are a
 * heap on their next record's time (TimeHeap), so each step costs log(securities); each session's
 * next few records are copied into one small shared buffer, so that a step touches the same few
 * megabytes of memory whatever the number of securities (a full market's decoded chunks span
 * gigabytes).
 */
export class RecordMerge {
  /** The record `next()` loaded, valid until the following `next()`. */
  readonly rec: EventRecord = new ReusedRecord();
  /** Its security's index among the cursors given. */
  security = -1;
  private readonly heap: TimeHeap;
  private readonly ahead: Uint8Array;
  private readonly view: DataView;
  /** Byte offsets in `ahead` of each session's next record and of the end of its records. */
  private readonly at: Int32Array;
  private readonly end: Int32Array;
  private started = false;

  constructor(private readonly cursors: RecordCursor[]) {
    const n = cursors.length;
    this.heap = new TimeHeap(n);
    this.ahead = new Uint8Array(n * AHEAD * RECORD_SIZE);
    this.view = new DataView(this.ahead.buffer);
    this.at = new Int32Array(n);
    this.end = new Int32Array(n);
    for (let i = 0; i < n; i++) if (this.refill(i)) this.heap.push(i, this.tsAt(this.at[i]));
  }

  /** Loads the next record into `rec`; false when every session is done. */
  next(): boolean {
    const heap = this.heap;
    if (this.started && heap.size > 0) {
      const s = heap.top;
      const o = this.at[s] += RECORD_SIZE;
      if (o < this.end[s] || this.refill(s)) heap.replaceTop(this.tsAt(this.at[s]));
      else heap.pop();
    }
    this.started = true;
    if (heap.size === 0) {
      this.security = -1;
      return false;
    }
    const s = this.security = heap.top;
    const v = this.view, o = this.at[s], rec = this.rec;
    rec.tsNs = heap.topTs;
    rec.type = v.getUint8(o + 8);
    rec.priceTicks = v.getInt32(o + 10, true);
    rec.qty = v.getUint32(o + 14, true);
    return true;
  }

  /** Copies session `s`'s next records into its part of `ahead`; false at its end. */
  private refill(s: number): boolean {
    const base = s * AHEAD * RECORD_SIZE;
    const n = this.cursors[s].fill(this.ahead, base, AHEAD);
    this.at[s] = base;
    this.end[s] = base + n * RECORD_SIZE;
    return n > 0;
  }

  private tsAt(o: number): number {
    return this.view.getUint32(o + 4, true) * 4294967296 + this.view.getUint32(o, true);
  }
}
