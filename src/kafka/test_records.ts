// Fixtures for the unit tests of the modules that pack events into Kafka records.
import { newRecord } from "../core/events.ts";
import type { EventRecord } from "../core/events.ts";
import { decodeRecord, RECORD_SIZE } from "../format/record.ts";
import { readZigzag } from "./records.ts";

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
