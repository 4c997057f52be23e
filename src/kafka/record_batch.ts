/**
 * A Kafka record batch (message format v2) around records we encoded (records.ts), LZ4-framed:
 *
 *   baseOffset int64, batchLength int32, partitionLeaderEpoch int32, magic int8 (2),
 *   crc uint32 (CRC-32C of everything after it), attributes int16 (3 = LZ4),
 *   lastOffsetDelta int32, baseTimestamp int64, maxTimestamp int64, producerId int64,
 *   producerEpoch int16, baseSequence int32, recordCount int32, then the compressed records.
 *
 * The producer id, epoch and base sequence are stamped just before each send (`stampBatch`):
 * a retry after the producer's epoch was bumped carries new ones, and the CRC covers them.
 */
import { Crc32cWasm } from "../format/crc32c_wasm.ts";
import { compressFrameInto, frameBound } from "../format/lz4_frame.ts";

export const BATCH_HEADER_SIZE = 61;
const LENGTH_AT = 8;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
const PRODUCER_ID_AT = 43;
const EPOCH_AT = 51;
const SEQUENCE_AT = 53;
const LZ4 = 3;

const crc = new Crc32cWasm();

/** A record batch ready to send, and what it holds. */
export interface RecordBatch {
  bytes: Uint8Array;
  /** Records (messages) in the batch. */
  records: number;
}

/** The bytes a batch of `recordsBytes` bytes of encoded records can take. */
export function batchBound(recordsBytes: number): number {
  return BATCH_HEADER_SIZE + frameBound(recordsBytes);
}

/**
 * Builds a batch of `count` records (the encoded records section `records`, offset deltas from
 * 0, timestamp deltas 0) timestamped `timestamp`, in `room` (at least `batchBound` long); the
 * batch is a view of `room`. Not yet stamped: no producer id, sequence or CRC.
 */
export function encodeBatch(
  records: Uint8Array,
  count: number,
  timestamp: number,
  room: Uint8Array,
): RecordBatch {
  const size = BATCH_HEADER_SIZE +
    compressFrameInto(records, room.subarray(BATCH_HEADER_SIZE));
  const bytes = room.subarray(0, size);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  view.setBigInt64(0, 0n);
  view.setInt32(LENGTH_AT, size - 12);
  view.setInt32(12, -1); // partition leader epoch: the broker's to set
  bytes[16] = 2; // magic
  view.setInt16(ATTRIBUTES_AT, LZ4);
  view.setInt32(23, count - 1);
  view.setBigInt64(27, BigInt(timestamp));
  view.setBigInt64(35, BigInt(timestamp));
  view.setInt32(57, count);
  // The producer id, epoch, sequence and CRC are the sender's to write (stampBatch).
  return { bytes, records: count };
}

/** Writes the producer id, epoch and base sequence into `batch`, and its CRC. */
export function stampBatch(
  batch: Uint8Array,
  producerId: bigint,
  epoch: number,
  baseSequence: number,
): void {
  const view = new DataView(batch.buffer, batch.byteOffset, batch.byteLength);
  view.setBigInt64(PRODUCER_ID_AT, producerId);
  view.setInt16(EPOCH_AT, epoch);
  view.setInt32(SEQUENCE_AT, baseSequence);
  view.setUint32(CRC_AT, crc.of(batch.subarray(ATTRIBUTES_AT)));
}
