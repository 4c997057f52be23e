import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import type { EventRecord } from "../core/events.ts";
import { RECORD_SIZE } from "../format/record.ts";
import { Packer } from "./packer.ts";
import type { PackedBatch } from "./packer.ts";
import { EncodedFrame, readZigzag } from "./records.ts";
import { chunkOf, messagesOf as recordsOf } from "./test_records.ts";

const frame = (key: string, date: string) =>
  new EncodedFrame({ key: Buffer.from(key), headerKey: "date", headerValue: date });

function event(i: number): EventRecord {
  return { tsNs: 34_200e9 + i, type: i % 6, side: i % 3, priceTicks: 1000 + i, qty: i, orderId: i };
}

/** Each record of a batch as [key, value records, date header]. */
function messagesOf(batch: PackedBatch): [string, EventRecord[], string][] {
  const out = recordsOf(batch.records);
  assert.equal(out.length, batch.messages);
  return out;
}

Deno.test("events are packed N to a message, in order; a session's end closes a short message", () => {
  const packer = new Packer({ recordsPerMessage: 4, batchBytes: 1 << 20, batchMessages: 1000 });
  packer.setFrame(frame("AAA", "2026-01-09"), 2);
  for (let i = 0; i < 10; i++) assert.equal(packer.add(event(i)), false);
  assert.equal(packer.openEvents, 2);
  packer.setFrame(frame("AAA", "2026-01-12"), 2);
  for (let i = 10; i < 13; i++) packer.add(event(i));
  packer.closeMessage();
  assert.equal(packer.batchedEvents, 13);
  const batch = packer.take()!;
  assert.equal(batch.partition, 2);
  assert.equal(batch.events, 13);
  const messages = messagesOf(batch);
  assert.deepEqual(messages.map(([k, r, d]) => [k, r.length, d]), [
    ["AAA", 4, "2026-01-09"],
    ["AAA", 4, "2026-01-09"],
    ["AAA", 2, "2026-01-09"],
    ["AAA", 3, "2026-01-12"],
  ]);
  assert.deepEqual(messages.flatMap(([, r]) => r), Array.from({ length: 13 }, (_, i) => event(i)));
  assert.equal(packer.take(), null);
});

Deno.test("a batch is full at its byte or message limit", () => {
  const byMessages = new Packer({ recordsPerMessage: 1, batchBytes: 1 << 20, batchMessages: 5 });
  byMessages.setFrame(frame("X", "2026-01-02"), 0);
  const full = Array.from({ length: 5 }, (_, i) => byMessages.add(event(i)));
  assert.deepEqual(full, [false, false, false, false, true]);
  assert.equal(byMessages.take()!.messages, 5);

  const byBytes = new Packer({ recordsPerMessage: 64, batchBytes: 4000, batchMessages: 1000 });
  byBytes.setFrame(frame("X", "2026-01-02"), 0);
  let events = 0;
  while (!byBytes.add(event(events++)));
  assert.equal(events, 192); // three messages of 64 x 26 bytes pass 4000 bytes
  assert.equal(byBytes.take()!.messages, 3);
});

Deno.test("with a value encoder, each event is one message whose value it makes, with its frame's symbol and date", () => {
  const seen: string[] = [];
  const packer = new Packer({
    recordsPerMessage: 1,
    batchBytes: 1 << 20,
    batchMessages: 3,
    valueEncoder: (rec, symbol, date) => {
      seen.push(`${symbol} ${date} ${rec.orderId}`);
      return new TextEncoder().encode(`v${rec.orderId}`);
    },
  });
  packer.setFrame(frame("AAA", "2026-01-09"), 1);
  assert.equal(packer.add(event(1)), false);
  assert.equal(packer.add(event(2)), false);
  assert.equal(packer.add(event(3)), true);
  const batch = packer.take()!;
  assert.deepEqual([batch.messages, batch.events], [3, 3]);
  assert.deepEqual(seen, ["AAA 2026-01-09 1", "AAA 2026-01-09 2", "AAA 2026-01-09 3"]);
  // The value bytes of the second record.
  const b = batch.records;
  const [length, bodyAt] = readZigzag(b, 0);
  const [, second] = readZigzag(b, bodyAt + length);
  let p = second + 2;
  [, p] = readZigzag(b, p);
  const [kl, kAt] = readZigzag(b, p);
  const [vl, vAt] = readZigzag(b, kAt + kl);
  assert.equal(new TextDecoder().decode(b.subarray(vAt, vAt + vl)), "v2");
});

/** Every batch's bytes, packing 500 events one by one or in chunks of `chunk` records. */
function batches(per: number, chunk: number | null): [number, number, string][] {
  const packer = new Packer({ recordsPerMessage: per, batchBytes: 3000, batchMessages: 40 });
  const out: [number, number, string][] = [];
  const take = () => {
    const b = packer.take()!;
    out.push([b.messages, b.events, Buffer.from(b.records).toString("hex")]);
  };
  const events = Array.from({ length: 500 }, (_, i) => event(i));
  packer.setFrame(frame("AAA", "2026-01-09"), 0);
  if (chunk === null) { for (const e of events) if (packer.add(e)) take(); }
  for (let from = 0; chunk !== null && from < events.length; from += chunk) {
    const records = chunkOf(events.slice(from, from + chunk));
    const n = records.length / RECORD_SIZE;
    for (let at = 0; at < n;) {
      at += packer.addRecords(records, at, n);
      if (packer.isFull) take();
    }
  }
  packer.closeMessage();
  take();
  return out;
}

Deno.test("records added a chunk at a time make the batches adding them one by one makes", () => {
  for (const per of [1, 3, 64]) {
    const one = batches(per, null);
    assert.ok(one.length > 3, `several batches (${per} per message)`);
    for (const chunk of [1, 7, 64, 100, 500]) {
      assert.deepEqual(batches(per, chunk), one, `${per} per message, chunks of ${chunk}`);
    }
  }
});
