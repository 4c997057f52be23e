import type { EventRecord } from "../core/events.ts";
import { ReusedRecord } from "../core/events.ts";
import type { SessionLog } from "../format/input.ts";
import { RECORD_SIZE } from "../format/record.ts";

/**
 * Walks a session file's records one at a time, streaming a chunk at a time (only its sound
 * chunks: SessionLog). Only what the feed uses is decoded: `ts_ns`, `type`, `price_ticks`, `qty`
 * (not `side` nor `order_id`). At the end of the file (or on `close()`) it closes the log and
 * calls `onEnd` with it (to report damage).
 */
export class RecordCursor {
  readonly rec: EventRecord = new ReusedRecord();
  private offset = 0;
  private size = 0;
  private view = new DataView(new ArrayBuffer(0));
  private closed = false;

  constructor(
    private readonly log: SessionLog,
    private readonly onEnd: (log: SessionLog) => void = () => {},
  ) {}

  /** Loads the next record into `rec`; false at the end. */
  next(): boolean {
    while (this.offset >= this.size) {
      const chunk = this.closed ? null : this.log.next();
      if (!chunk) {
        this.close();
        return false;
      }
      this.size = chunk.recordCount * RECORD_SIZE;
      this.view = this.log.view;
      this.offset = 0;
    }
    const v = this.view, o = this.offset, rec = this.rec;
    rec.tsNs = v.getUint32(o + 4, true) * 4294967296 + v.getUint32(o, true);
    rec.type = v.getUint8(o + 8);
    rec.priceTicks = v.getInt32(o + 10, true);
    rec.qty = v.getUint32(o + 14, true);
    this.offset = o + RECORD_SIZE;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.log.close();
    this.onEnd(this.log);
  }
}
