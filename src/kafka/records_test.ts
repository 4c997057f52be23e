import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
// kafkajs's own record encoder, the reference for the bytes we write.
import KafkajsRecord from "kafkajs/src/protocol/recordBatch/record/v0/index.js";
import { EncodedFrame, readZigzag, RecordsWriter, writeZigzag, zigzagSize } from "./records.ts";

Deno.test("zigzag varints round-trip at every length boundary", () => {
  const buf = new Uint8Array(8);
  for (const n of [0, 1, 63, 64, 8191, 8192, 1048575, 1048576, 2 ** 30 - 1]) {
    const end = writeZigzag(buf, 0, n);
    assert.equal(end, zigzagSize(n), `size of ${n}`);
    assert.deepEqual(readZigzag(buf, 0), [n, end]);
  }
  assert.deepEqual(readZigzag(new Uint8Array([1]), 0), [-1, 1]);
});

Deno.test("records are byte for byte what kafkajs encodes for the same messages", () => {
  const key = new TextEncoder().encode("AAPL");
  const frame = new EncodedFrame({ key, headerKey: "date", headerValue: "2026-01-02" });
  const writer = new RecordsWriter(16);
  const expected: Buffer[] = [];
  // Value sizes around the varint boundaries of the record length, offsets past 64 and 8192.
  const sizes = [26, 26 * 2, 26 * 64, 26 * 256, 0];
  for (let i = 0; i < 8300; i++) {
    const value = new Uint8Array(sizes[i % sizes.length]).map((_, j) => (i + j) & 0xff);
    writer.add(frame, value);
    if (i < 100 || i > 8150) {
      expected.push(
        KafkajsRecord({
          offsetDelta: i,
          timestampDelta: 0,
          key: Buffer.from(key),
          value: Buffer.from(value),
          headers: { date: "2026-01-02" },
        }).buffer,
      );
    } else expected.push(Buffer.alloc(0));
  }
  assert.equal(writer.count, 8300);
  // Walk our records by their length prefixes and compare the sampled ones.
  const bytes = writer.bytes();
  let at = 0;
  for (let i = 0; i < 8300; i++) {
    const [length, bodyAt] = readZigzag(bytes, at);
    const record = bytes.subarray(at, bodyAt + length);
    if (expected[i].length) assert.deepEqual(record, new Uint8Array(expected[i]), `record ${i}`);
    at = bodyAt + length;
  }
  assert.equal(at, bytes.length);
  writer.reset();
  assert.equal(writer.count, 0);
  assert.equal(writer.byteLength, 0);
});
