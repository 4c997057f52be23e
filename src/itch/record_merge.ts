import type { EventRecord } from "../core/events.ts";
import { ReusedRecord } from "../core/events.ts";
import type { RecordCursor } from "./record_cursor.ts";

/**
 * The records of one day's sessions in feed order: by `ts_ns`, ties by security order, then file
 * order. Each `next()` first moves on the cursor of the record it gave last.
 */
export class RecordMerge {
  /** The record `next()` loaded, valid until the following `next()`. */
  rec: EventRecord = new ReusedRecord();
  /** Its security's index among the cursors given. */
  security = -1;
  private readonly live: RecordCursor[];
  private readonly index: number[];
  private current = -1;

  constructor(cursors: RecordCursor[]) {
    this.live = [];
    this.index = [];
    cursors.forEach((c, i) => {
      if (c.next()) {
        this.live.push(c);
        this.index.push(i);
      }
    });
  }

  /** Loads the next record into `rec`; false when every session is done. */
  next(): boolean {
    const live = this.live;
    if (this.current >= 0 && !live[this.current].next()) {
      live.splice(this.current, 1);
      this.index.splice(this.current, 1);
    }
    if (live.length === 0) {
      this.current = -1;
      return false;
    }
    let pick = 0;
    for (let i = 1; i < live.length; i++) {
      if (live[i].rec.tsNs < live[pick].rec.tsNs) pick = i;
    }
    this.current = pick;
    this.rec = live[pick].rec;
    this.security = this.index[pick];
    return true;
  }
}
