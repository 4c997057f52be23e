import { encodeRecord, RECORD_SIZE } from "../format/record.ts";
import type { EventRecord } from "../core/events.ts";
import { EncodedFrame, RecordsWriter } from "./records.ts";
import type { ValueEncoder } from "./value_format.ts";

/** A request's worth of messages for one partition, encoded as a records section. */
export interface PackedBatch {
  partition: number;
  /** The encoded records (a view into the packer's buffer: valid until the next `add`). */
  records: Uint8Array;
  messages: number;
  events: number;
}

export interface PackerLimits {
  /** Events per message (a value is k x 26 bytes, 1 <= k <= this). */
  recordsPerMessage: number;
  /** A batch is full from this many bytes of encoded records... */
  batchBytes: number;
  /** ...or this many messages. */
  batchMessages: number;
  /** One event's value in a format other than rowbinary (one event per message); else none. */
  valueEncoder?: ValueEncoder | null;
}

/**
 * Packs consecutive events of one security and trading date into messages of up to
 * `recordsPerMessage` records, and messages into batches for one partition.
 */
export class Packer {
  private readonly value: Uint8Array;
  private readonly view: DataView;
  private inValue = 0;
  private readonly writer = new RecordsWriter();
  private frame: EncodedFrame | null = null;
  private partition = -1;
  private batchEvents = 0;

  constructor(private readonly limits: PackerLimits) {
    this.value = new Uint8Array(limits.recordsPerMessage * RECORD_SIZE);
    this.view = new DataView(this.value.buffer);
  }

  /** Events of the message being filled. */
  get openEvents(): number {
    return this.inValue;
  }

  /** Events packed into messages but not yet taken. */
  get batchedEvents(): number {
    return this.batchEvents;
  }

  /** Starts messages with this key and header (take the batch in hand first if need be). */
  setFrame(frame: EncodedFrame, partition: number): void {
    this.closeMessage();
    this.frame = frame;
    this.partition = partition;
  }

  /** Adds one event; true when the batch is full and should be taken. */
  add(rec: EventRecord): boolean {
    const encode = this.limits.valueEncoder;
    if (encode) {
      const frame = this.frame!;
      this.writer.add(frame, encode(rec, frame.symbol, frame.date));
      this.batchEvents++;
      return this.isFull;
    }
    encodeRecord(rec, this.view, this.inValue * RECORD_SIZE);
    if (++this.inValue < this.limits.recordsPerMessage) return false;
    this.closeMessage();
    return this.isFull;
  }

  /**
   * Adds events `from` to `to` of `records` (26-byte records, a file chunk's layout); stops once
   * the batch is full (take it, then add the rest). Returns how many it added. The messages are
   * those `add` would make of the same events one by one.
   */
  addRecords(records: Uint8Array, from: number, to: number): number {
    const per = this.limits.recordsPerMessage;
    let i = from;
    while (i < to) {
      if (this.inValue === 0 && to - i >= per) {
        // A whole message: straight from the records.
        this.writer.add(this.frame!, records, i * RECORD_SIZE, (i + per) * RECORD_SIZE);
        this.batchEvents += per;
        i += per;
      } else {
        const n = Math.min(per - this.inValue, to - i);
        this.value.set(
          records.subarray(i * RECORD_SIZE, (i + n) * RECORD_SIZE),
          this.inValue * RECORD_SIZE,
        );
        this.inValue += n;
        i += n;
        if (this.inValue < per) break;
        this.closeMessage();
      }
      if (this.isFull) break;
    }
    return i - from;
  }

  /** The batch is full (at its byte or message limit): take it before adding more. */
  get isFull(): boolean {
    return this.writer.byteLength >= this.limits.batchBytes ||
      this.writer.count >= this.limits.batchMessages;
  }

  /** Ends the message being filled, however few records it holds. */
  closeMessage(): void {
    if (this.inValue === 0) return;
    this.writer.add(this.frame!, this.value, 0, this.inValue * RECORD_SIZE);
    this.batchEvents += this.inValue;
    this.inValue = 0;
  }

  /** The closed messages as one batch (null when there are none); the packer starts afresh. */
  take(): PackedBatch | null {
    if (this.writer.count === 0) return null;
    const batch = {
      partition: this.partition,
      records: this.writer.bytes(),
      messages: this.writer.count,
      events: this.batchEvents,
    };
    this.writer.reset();
    this.batchEvents = 0;
    return batch;
  }
}
