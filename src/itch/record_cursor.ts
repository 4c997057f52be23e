import type { QrsdpReader } from "../format/reader.ts";
import { newRecord } from "../core/events.ts";
import { RECORD_SIZE } from "../format/record.ts";

/**
 * Walks a session file's records one at a time, a chunk decompressed at a time. Only what the
 * feed uses is decoded: `ts_ns`, `type`, `price_ticks`, `qty` (not `side` nor `order_id`).
 */
export class RecordCursor {
  readonly rec = newRecord();
  private chunk = -1;
  private offset = 0;
  private size = 0;
  private readonly buffer: Uint8Array;
  private readonly view: DataView;

  constructor(private readonly reader: QrsdpReader) {
    let largest = 0;
    for (const c of reader.chunks) largest = Math.max(largest, c.recordCount);
    this.buffer = new Uint8Array(largest * RECORD_SIZE);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Loads the next record into `rec`; false at the end. */
  next(): boolean {
    while (this.offset >= this.size) {
      if (++this.chunk >= this.reader.chunks.length) return false;
      this.size = this.reader.chunkRecords(this.chunk, this.buffer).length;
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
}
