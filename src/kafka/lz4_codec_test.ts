import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { CompressionTypes } from "kafkajs";
// kafkajs's own batch encoder and decoder, which call the codec registered for LZ4.
import KafkajsRecord from "kafkajs/src/protocol/recordBatch/record/v0/index.js";
import { RecordBatch } from "kafkajs/src/protocol/recordBatch/v0/index.js";
import decodeBatch from "kafkajs/src/protocol/recordBatch/v0/decoder.js";
import Decoder from "kafkajs/src/protocol/decoder.js";
import "./lz4_codec.ts";

Deno.test("kafkajs's LZ4 batches go through our codec and back", async () => {
  const messages = [
    { key: Buffer.from("x"), value: Buffer.from("hello"), timestamp: "5" },
    { key: null, value: Buffer.alloc(300, 7), timestamp: "5" },
  ];
  const batch = await RecordBatch({
    compression: CompressionTypes.LZ4,
    records: messages.map((m, i) => KafkajsRecord({ ...m, offsetDelta: i, timestampDelta: 0 })),
    firstTimestamp: 5,
    maxTimestamp: 5,
    lastOffsetDelta: 1,
  });
  // An LZ4 frame's magic number opens the compressed records (after the 61-byte header).
  assert.equal(Buffer.from(batch.buffer).readUInt32LE(61), 0x184d2204);
  const decoded = await decodeBatch(new Decoder(batch.buffer));
  assert.deepEqual(decoded.records.map((r: { value: Buffer }) => r.value.toString("hex")), [
    Buffer.from("hello").toString("hex"),
    Buffer.alloc(300, 7).toString("hex"),
  ]);
});
