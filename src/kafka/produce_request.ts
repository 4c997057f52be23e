/**
 * The Produce request for one partition's record batch, and its response, written by us and sent
 * on kafkajs's connection (whose queue matches the answer by the correlation id). Versions
 * 3 to 7 share one layout (7 is the last before the flexible encoding of version 9; 5 added the
 * log start offset to the response):
 *
 *   request  => transactional_id NULLABLE_STRING, acks INT16, timeout_ms INT32,
 *               [topic STRING, [partition INT32, records BYTES]]
 *   response => [topic STRING, [partition INT32, error_code INT16, base_offset INT64,
 *               log_append_time INT64, (v5+) log_start_offset INT64]], throttle_time_ms INT32
 */
export const PRODUCE_API_KEY = 0;
export const MIN_PRODUCE_VERSION = 3;
export const MAX_PRODUCE_VERSION = 7;

const ENCODER = new TextEncoder();

/** The answer for our one partition. */
export interface ProduceAnswer {
  errorCode: number;
  baseOffset: bigint;
  /** -1 when the broker did not say (versions before 5, or it does not know). */
  logStartOffset: bigint;
}

/**
 * The whole Produce request as it goes on the wire: its size, the request header (api key,
 * version, correlation id, client id) and the body, written once (kafkajs's encoder copies a
 * request twice more, into buffers it grows); in `room` when it is long enough (the request is
 * then a view of it), else in a new buffer.
 */
export function produceFrame(
  header: { version: number; correlationId: number; clientId: string },
  topic: string,
  partition: number,
  batch: Uint8Array,
  acks: number,
  timeoutMs: number,
  room?: Uint8Array,
): Uint8Array {
  const client = ENCODER.encode(header.clientId);
  const headerSize = 4 + 2 + 2 + 4 + 2 + client.length;
  const out = writeProduce(headerSize, topic, partition, batch, acks, timeoutMs, room);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt32(0, out.length - 4);
  view.setInt16(4, PRODUCE_API_KEY);
  view.setInt16(6, header.version);
  view.setInt32(8, header.correlationId);
  view.setInt16(12, client.length);
  out.set(client, 14);
  return out;
}

/** A Produce body at `at` of a buffer, whose first `at` bytes are left for a header. */
function writeProduce(
  at: number,
  topic: string,
  partition: number,
  batch: Uint8Array,
  acks: number,
  timeoutMs: number,
  room?: Uint8Array,
): Uint8Array {
  const name = ENCODER.encode(topic);
  const size = at + 2 + 2 + 4 + 4 + 2 + name.length + 4 + 4 + 4 + batch.length;
  const out = room && room.length >= size ? room.subarray(0, size) : new Uint8Array(size);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  view.setInt16(at, -1); // no transactional id
  view.setInt16(at += 2, acks);
  view.setInt32(at += 2, timeoutMs);
  view.setInt32(at += 4, 1); // one topic
  view.setInt16(at += 4, name.length);
  out.set(name, at += 2);
  view.setInt32(at += name.length, 1); // one partition
  view.setInt32(at += 4, partition);
  view.setInt32(at += 4, batch.length);
  out.set(batch, at + 4);
  return out;
}

/** Reads a Produce response body; throws on one that is not for one partition. */
export function decodeProduce(version: number, body: Uint8Array): ProduceAnswer {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  let at = 0;
  if (view.getInt32(at) !== 1) throw new Error("produce response: not one topic");
  at += 4 + 2 + view.getInt16(4);
  if (view.getInt32(at) !== 1) throw new Error("produce response: not one partition");
  const errorCode = view.getInt16(at += 8);
  const baseOffset = view.getBigInt64(at += 2);
  at += 16; // base offset, log append time
  const logStartOffset = version >= 5 ? view.getBigInt64(at) : -1n;
  return { errorCode, baseOffset, logStartOffset };
}
