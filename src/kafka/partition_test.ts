import assert from "node:assert/strict";
import { partitionOf } from "./partition.ts";

Deno.test("partitionOf matches the Java client's murmur2 partitioning", () => {
  // From org.apache.kafka.common.utils.Utils (kafka-clients 4.1.1):
  // toPositive(murmur2(key.getBytes())) % partitions, for 3 and 7 partitions.
  const java: [string, number, number][] = [
    ["DEFAULT", 1, 1],
    ["AAPL", 0, 1],
    ["MSFT", 0, 5],
    ["ONE", 1, 0],
    ["AAA", 2, 2],
    ["BBB", 1, 2],
    ["CCC", 0, 2],
    ["X", 0, 2],
    ["LONGER-SYMBOL-123", 2, 0],
  ];
  const bytes = (s: string) => new TextEncoder().encode(s);
  for (const [key, of3, of7] of java) {
    assert.equal(partitionOf(bytes(key), 3), of3, `${key} of 3`);
    assert.equal(partitionOf(bytes(key), 7), of7, `${key} of 7`);
  }
});

Deno.test("partitionOf agrees with kafkajs's default partitioner on many keys", async () => {
  const { Partitioners } = await import("kafkajs");
  const { Buffer } = await import("node:buffer");
  const kafkajs = Partitioners.DefaultPartitioner();
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8;
  for (let n = 0; n < 2000; n++) {
    const key = Uint8Array.from({ length: next() % 40 }, () => next() & 0xff);
    const partitions = 1 + (next() % 12);
    const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
      partitionId,
      leader: 0,
      replicas: [0],
      isr: [0],
      partitionErrorCode: 0,
    }));
    const theirs = kafkajs({
      topic: "",
      partitionMetadata,
      message: { key: Buffer.from(key), value: null },
    });
    assert.equal(partitionOf(key, partitions), theirs, `key ${key.join(",")} of ${partitions}`);
  }
});
