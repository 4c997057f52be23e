import type { QrsdpReader } from "../format/reader.ts";
import { newRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";

/** Walks a session file's records one at a time, a chunk decompressed at a time. */
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
    decodeRecord(this.view, this.offset, this.rec);
    this.offset += RECORD_SIZE;
    return true;
  }
}
