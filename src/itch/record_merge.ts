import type { EventRecord } from "../core/events.ts";
import { ReusedRecord } from "../core/events.ts";
import type { RecordCursor } from "./record_cursor.ts";

/**
 * The records of one day's sessions in feed order: by `ts_ns`, ties by security order, then file
 * order. Each `next()` first moves on the cursor of the record it gave last. A binary heap of the
 * sessions keeps each step at log(securities), so a full market costs linear time.
 */
export class RecordMerge {
  /** The record `next()` loaded, valid until the following `next()`. */
  rec: EventRecord = new ReusedRecord();
  /** Its security's index among the cursors given. */
  security = -1;
  /** Indices of the sessions with a record loaded, as a heap on (ts_ns, index). */
  private readonly heap: number[] = [];
  private started = false;

  constructor(private readonly cursors: RecordCursor[]) {
    cursors.forEach((c, i) => {
      if (c.next()) this.heap.push(i);
    });
    for (let k = (this.heap.length >> 1) - 1; k >= 0; k--) this.down(k);
  }

  /** Loads the next record into `rec`; false when every session is done. */
  next(): boolean {
    const heap = this.heap;
    if (this.started && heap.length > 0) {
      if (this.cursors[heap[0]].next()) {
        this.down(0);
      } else {
        const last = heap.pop()!;
        if (heap.length > 0) {
          heap[0] = last;
          this.down(0);
        }
      }
    }
    this.started = true;
    if (heap.length === 0) {
      this.security = -1;
      return false;
    }
    this.security = heap[0];
    this.rec = this.cursors[heap[0]].rec;
    return true;
  }

  private before(a: number, b: number): boolean {
    const ta = this.cursors[a].rec.tsNs, tb = this.cursors[b].rec.tsNs;
    return ta < tb || (ta === tb && a < b);
  }

  private down(k: number): void {
    const heap = this.heap, n = heap.length;
    for (;;) {
      const l = 2 * k + 1, r = l + 1;
      let m = k;
      if (l < n && this.before(heap[l], heap[m])) m = l;
      if (r < n && this.before(heap[r], heap[m])) m = r;
      if (m === k) return;
      [heap[k], heap[m]] = [heap[m], heap[k]];
      k = m;
    }
  }
}
