import type { EventRecord } from "../core/events.ts";
import { RECORD_SIZE } from "../format/record.ts";
import type { RecordCursor } from "./record_cursor.ts";

/** Records each session has copied out ahead: few, so that all of a full market's stay cached. */
const AHEAD = 16;

/**
 * The next record of each of a day's sessions, read from its cursor a few records at a time into
 * one small shared buffer, so that going from session to session touches the same few megabytes
 * whatever the number of sessions (a full market's decoded chunks span gigabytes).
 */
export class SessionAhead {
  private readonly bytes: Uint8Array;
  private readonly view: DataView;
  /** Byte offsets in `bytes` of each session's next record and of the end of its records. */
  private readonly at: Int32Array;
  private readonly end: Int32Array;

  constructor(private readonly cursors: RecordCursor[]) {
    const n = cursors.length;
    this.bytes = new Uint8Array(n * AHEAD * RECORD_SIZE);
    this.view = new DataView(this.bytes.buffer);
    this.at = new Int32Array(n);
    this.end = new Int32Array(n);
    for (let s = 0; s < n; s++) this.refill(s);
  }

  /** Whether session `s` has a record left. */
  has(s: number): boolean {
    return this.at[s] < this.end[s];
  }

  /** The time of session `s`'s next record (it must have one). */
  tsNs(s: number): number {
    const o = this.at[s];
    return this.view.getUint32(o + 4, true) * 4294967296 + this.view.getUint32(o, true);
  }

  /** Session `s`'s next record into `rec`: only what the feed uses (not `side` nor `order_id`). */
  load(s: number, rec: EventRecord): void {
    const v = this.view, o = this.at[s];
    rec.tsNs = this.tsNs(s);
    rec.type = v.getUint8(o + 8);
    rec.priceTicks = v.getInt32(o + 10, true);
    rec.qty = v.getUint32(o + 14, true);
  }

  /** Moves session `s` on to its following record; false when it has none. */
  advance(s: number): boolean {
    this.at[s] += RECORD_SIZE;
    return this.at[s] < this.end[s] || this.refill(s);
  }

  private refill(s: number): boolean {
    const base = s * AHEAD * RECORD_SIZE;
    const n = this.cursors[s].fill(this.bytes, base, AHEAD);
    this.at[s] = base;
    this.end[s] = base + n * RECORD_SIZE;
    return n > 0;
  }
}
