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
