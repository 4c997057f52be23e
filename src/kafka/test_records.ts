// Fixtures for the unit tests of the modules that pack events into Kafka records.
import { Buffer } from "node:buffer";
// kafkajs's batch decoder, what a consumer reads our batches with.
import decodeBatch from "kafkajs/src/protocol/recordBatch/v0/decoder.js";
import Decoder from "kafkajs/src/protocol/decoder.js";
import "./lz4_codec.ts";
import type { RecordBatch } from "./record_batch.ts";
import { newRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { decodeRecord, encodeRecord, RECORD_SIZE } from "../format/record.ts";
import { EncodedFrame, readZigzag, RecordsWriter } from "./records.ts";

/** Each record of an encoded records section as [key, value records, date header]. */
export function messagesOf(b: Uint8Array): [string, EventRecord[], string][] {
  const out: [string, EventRecord[], string][] = [];
  let at = 0;
  while (at < b.length) {
    const [length, bodyAt] = readZigzag(b, at);
    let p = bodyAt + 2;
    [, p] = readZigzag(b, p); // offset delta
    const [kl, kAt] = readZigzag(b, p);
    const key = new TextDecoder().decode(b.subarray(kAt, kAt + kl));
    const [vl, vAt] = readZigzag(b, kAt + kl);
    const view = new DataView(b.buffer, b.byteOffset + vAt, vl);
    const recs = [];
    for (let o = 0; o < vl; o += RECORD_SIZE) recs.push(decodeRecord(view, o, newRecord()));
    const date = new TextDecoder().decode(b.subarray(bodyAt + length - 10, bodyAt + length));
    out.push([key, recs, date]);
    at = bodyAt + length;
  }
  return out;
}

/** The i-th of a run of distinct events (order id i + 1), for tests that check order. */
export const numberedEvent = (i: number): EventRecord => ({
  tsNs: 34_200e9 + i,
  type: i % 6,
  side: i % 3,
  priceTicks: 1000 + i,
  qty: 1,
  orderId: i + 1,
});

/** `events` as 26-byte records, a file chunk's layout. */
export function chunkOf(events: EventRecord[]): Uint8Array {
  const out = new Uint8Array(events.length * RECORD_SIZE);
  const view = new DataView(out.buffer);
  events.forEach((e, i) => encodeRecord(e, view, i * RECORD_SIZE));
  return out;
}

/** A records section of one message per value, each value 26 bytes of that number. */
export function packed(values: number[]): Uint8Array {
  const writer = new RecordsWriter(16);
  const frame = new EncodedFrame({ key: Buffer.from("AAA"), headerKey: "date", headerValue: "D" });
  for (const v of values) writer.add(frame, new Uint8Array(26).fill(v));
  return writer.bytes();
}

/** The first byte of each message's value in a framed batch, as a consumer decodes it. */
export const valuesOf = async (batch: RecordBatch): Promise<number[]> =>
  (await decodeBatch(new Decoder(Buffer.from(batch.bytes)))).records.map((r: { value: Buffer }) =>
    r.value[0]
  );
