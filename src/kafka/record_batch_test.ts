import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
// kafkajs's batch decoder, what a consumer reads our batches with.
import decodeBatch from "kafkajs/src/protocol/recordBatch/v0/decoder.js";
import Decoder from "kafkajs/src/protocol/decoder.js";
import { crc32c } from "../format/crc32c.ts";
import "./lz4_codec.ts";
import { batchBound, encodeBatch, stampBatch } from "./record_batch.ts";
import { EncodedFrame, RecordsWriter } from "./records.ts";

function records(count: number) {
  const writer = new RecordsWriter();
  const frames = [
    new EncodedFrame({ key: Buffer.from("AAA"), headerKey: "date", headerValue: "2026-01-09" }),
    new EncodedFrame({ key: Buffer.from("AAA"), headerKey: "date", headerValue: "2026-01-12" }),
  ];
  const values: Uint8Array[] = [];
  for (let i = 0; i < count; i++) {
    const value = new Uint8Array(26 * (1 + (i % 64))).map((_, j) => (i * 7 + j) & 0xff);
    values.push(value);
    writer.add(frames[i < count / 2 ? 0 : 1], value);
  }
  return { bytes: writer.bytes(), values };
}

const storedCrc = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset).getUint32(17);

Deno.test("a record batch as kafkajs's decoder reads it: our records, count, ids and sequence", async () => {
  const { bytes, values } = records(700);
  const room = new Uint8Array(batchBound(bytes.length) + 100).fill(0xee);
  const batch = encodeBatch(bytes, 700, 1_700_000_000_123, room);
  assert.equal(batch.records, 700);
  stampBatch(batch.bytes, 4242n, 3, 1_000_000);
  const decoded = await decodeBatch(new Decoder(Buffer.from(batch.bytes)));
  assert.equal(decoded.producerId, "4242");
  assert.equal(decoded.producerEpoch, 3);
  assert.equal(decoded.firstSequence, 1_000_000);
  assert.equal(decoded.lastOffsetDelta, 699);
  assert.equal(decoded.records.length, 700);
  for (const [i, r] of decoded.records.entries()) {
    assert.equal(r.offset, String(i));
    assert.equal(r.timestamp, "1700000000123");
    assert.equal(r.key.toString(), "AAA");
    assert.deepEqual(new Uint8Array(r.value), values[i], `value ${i}`);
    assert.equal(r.headers.date.toString(), i < 350 ? "2026-01-09" : "2026-01-12");
  }
});

Deno.test("the CRC-32C covers attributes to the end, and follows a new stamp", () => {
  const { bytes } = records(10);
  const batch = encodeBatch(bytes, 10, 5, new Uint8Array(batchBound(bytes.length)));
  const view = new DataView(batch.bytes.buffer, batch.bytes.byteOffset);
  assert.equal(view.getInt32(8), batch.bytes.length - 12, "batch length");
  assert.equal(batch.bytes[16], 2, "magic");
  assert.equal(view.getInt16(21), 3, "LZ4, not transactional");
  for (const [id, epoch, sequence] of [[1n, 0, 0], [77n, 2, 2_147_483_000]] as const) {
    stampBatch(batch.bytes, id, epoch, sequence);
    assert.equal(storedCrc(batch.bytes), crc32c(batch.bytes.subarray(21)));
  }
  const before = storedCrc(batch.bytes);
  stampBatch(batch.bytes, 77n, 2, 2_147_483_001);
  assert.notEqual(storedCrc(batch.bytes), before);
});
