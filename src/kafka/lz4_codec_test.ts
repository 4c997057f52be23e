import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CompressionTypes } from "kafkajs";
// kafkajs's own batch encoder and decoder: what it sends for our placeholders, and what a
// consumer reads back from it.
import KafkajsRecord from "kafkajs/src/protocol/recordBatch/record/v0/index.js";
import { RecordBatch } from "kafkajs/src/protocol/recordBatch/v0/index.js";
import decodeBatch from "kafkajs/src/protocol/recordBatch/v0/decoder.js";
import Decoder from "kafkajs/src/protocol/decoder.js";
import { installCodec, prepareBatch } from "./lz4_codec.ts";
import type { PreparedBatch } from "./lz4_codec.ts";
import { EncodedFrame, RecordsWriter } from "./records.ts";

/** Encodes `messages` as kafkajs's produce request does (LZ4), then decodes the batch. */
async function throughKafkajs(messages: { key?: Buffer | null; timestamp?: string }[]) {
  const ts = Number(messages[0].timestamp);
  const batch = await RecordBatch({
    compression: CompressionTypes.LZ4,
    records: messages.map((m, i) => KafkajsRecord({ ...m, offsetDelta: i, timestampDelta: 0 })),
    firstTimestamp: ts,
    maxTimestamp: ts,
    lastOffsetDelta: messages.length - 1,
  });
  return await decodeBatch(new Decoder(batch.buffer));
}

Deno.test("a prepared batch reaches the wire as our records, with kafkajs's count and offsets", async () => {
  const writer = new RecordsWriter();
  const frames = [
    new EncodedFrame({ key: Buffer.from("AAA"), headerKey: "date", headerValue: "2026-01-09" }),
    new EncodedFrame({ key: Buffer.from("AAA"), headerKey: "date", headerValue: "2026-01-12" }),
  ];
  const values: Uint8Array[] = [];
  for (let i = 0; i < 700; i++) {
    const value = new Uint8Array(26 * (1 + (i % 64))).map((_, j) => (i * 7 + j) & 0xff);
    values.push(value);
    writer.add(frames[i < 400 ? 0 : 1], value);
  }
  const prepared = prepareBatch(writer.bytes(), writer.count, 2, 1_700_000_000_123);
  assert.equal(prepared.messages.length, 700);
  assert.ok(prepared.messages.every((m) => m.partition === 2));
  const decoded = await throughKafkajs(prepared.messages as never);
  prepared.release();
  assert.equal(decoded.lastOffsetDelta, 699);
  assert.equal(decoded.records.length, 700);
  for (const [i, r] of decoded.records.entries()) {
    assert.equal(r.offset, String(i));
    assert.equal(r.timestamp, "1700000000123");
    assert.equal(r.key.toString(), "AAA");
    assert.deepEqual(new Uint8Array(r.value), values[i], `value ${i}`);
    assert.equal(r.headers.date.toString(), i < 400 ? "2026-01-09" : "2026-01-12");
  }
});

Deno.test("a frame awaiting its request is never overwritten; a released one's buffer is reused", async () => {
  const frame = new EncodedFrame({ key: Buffer.from("K"), headerKey: "date", headerValue: "d" });
  const valueOf = (seed: number, i: number) => new Uint8Array(52).fill((seed * 40 + i) & 0xff);
  const batch = (seed: number) => {
    const writer = new RecordsWriter();
    for (let i = 0; i < 40; i++) writer.add(frame, valueOf(seed, i));
    return prepareBatch(writer.bytes(), writer.count, 0, 1);
  };
  /** How many of a batch's values differ from those it was prepared with. */
  const wrongValues = async (seed: number, prepared: PreparedBatch) => {
    const { records } = await throughKafkajs(prepared.messages as never);
    return records.filter((r: { value: Buffer }, i: number) =>
      Buffer.compare(r.value, valueOf(seed, i)) !== 0
    ).length;
  };
  batch(1).release();
  const second = batch(2); // in the first one's buffer
  const third = batch(3); // while the second awaits its request: a buffer of its own
  assert.equal(await wrongValues(2, second), 0);
  assert.equal(await wrongValues(3, third), 0);
  second.release();
  third.release();
  third.release(); // twice: its buffer is not handed out twice
  const fourth = batch(4), fifth = batch(5);
  assert.equal(await wrongValues(4, fourth), 0);
  assert.equal(await wrongValues(5, fifth), 0);
  fourth.release();
  fifth.release();
});

Deno.test("a released batch is refused, not sent as placeholders", async () => {
  const writer = new RecordsWriter();
  writer.add(
    new EncodedFrame({ key: Buffer.from("K"), headerKey: "date", headerValue: "2026-01-02" }),
    new Uint8Array(26),
  );
  const prepared = prepareBatch(writer.bytes(), 1, 0, 1);
  prepared.release();
  await assert.rejects(throughKafkajs(prepared.messages as never), /no longer prepared/);
});

Deno.test("other messages are LZ4-compressed as they are", async () => {
  const messages = [
    { key: Buffer.from("x"), value: Buffer.from("hello"), timestamp: "5" },
    { key: null, value: Buffer.alloc(300, 7), timestamp: "5" },
  ];
  installCodec();
  const decoded = await throughKafkajs(messages);
  assert.deepEqual(decoded.records.map((r: { value: Buffer }) => r.value.toString("hex")), [
    Buffer.from("hello").toString("hex"),
    Buffer.alloc(300, 7).toString("hex"),
  ]);
});
