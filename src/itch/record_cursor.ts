import type { SessionLog } from "../format/input.ts";
import { RECORD_SIZE } from "../format/record.ts";

/**
 * Walks a session file's records, streaming a chunk at a time (only its sound chunks:
 * SessionLog), and copies them out a few at a time as raw records. At the end of the file (or on
 * `close()`) it closes the log and calls `onEnd` with it (to report damage).
 */
export class RecordCursor {
  private offset = 0;
  private bytes: Uint8Array = new Uint8Array(0);
  private closed = false;

  constructor(
    private readonly log: SessionLog,
    private readonly onEnd: (log: SessionLog) => void = () => {},
  ) {}

  /**
   * Copies up to `max` of the next records (RECORD_SIZE bytes each, as in the file) to
   * `into[at...]`; returns how many, 0 at the end.
   */
  fill(into: Uint8Array, at: number, max: number): number {
    while (this.offset >= this.bytes.length) {
      if (this.closed || !this.log.next()) {
        this.close();
        return 0;
      }
      this.bytes = this.log.recordBytes();
      this.offset = 0;
    }
    const n = Math.min(max, (this.bytes.length - this.offset) / RECORD_SIZE);
    const end = this.offset + n * RECORD_SIZE;
    into.set(this.bytes.subarray(this.offset, end), at);
    this.offset = end;
    return n;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.bytes = new Uint8Array(0);
    this.log.close();
    this.onEnd(this.log);
  }
}
