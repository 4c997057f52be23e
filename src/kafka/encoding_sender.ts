import type { BatchSender } from "./producer.ts";
import { batchBound, encodeBatch } from "./record_batch.ts";
import type { RecordBatch } from "./record_batch.ts";

/** What takes record batches: the idempotent sender (idempotent_sender.ts), or a test's fake. */
export interface RecordBatchSender {
  /** Resolves once `batch` is acknowledged, rejects when it cannot be. */
  send(partition: number, batch: RecordBatch): Promise<void>;
}

/**
 * Frames packed messages as record batches (record_batch.ts: LZ4, CRC-32C, timestamped now) and
 * hands them to the record batch sender. A batch's buffer is kept for a later batch once it is
 * acknowledged, up to `spareRooms` of them.
 */
export class EncodingSender implements BatchSender {
  private readonly rooms: Uint8Array[] = [];

  constructor(private readonly sender: RecordBatchSender, private readonly spareRooms: number) {}

  send(partition: number, records: Uint8Array, messages: number): Promise<void> {
    const bound = batchBound(records.length);
    let room = this.rooms.pop();
    if (!room || room.length < bound) room = new Uint8Array(bound);
    const batch = encodeBatch(records, messages, Date.now(), room);
    return this.sender.send(partition, batch).finally(() => {
      if (this.rooms.length < this.spareRooms) this.rooms.push(room);
    });
  }
}
