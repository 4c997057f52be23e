import { Buffer } from "node:buffer";
import { Partitioners } from "kafkajs";

const defaultPartitioner = Partitioners.DefaultPartitioner();

/**
 * The partition kafkajs's default partitioner gives `key` in a topic of `partitions` partitions
 * (murmur2 of the key, as the Java client): asked once per symbol, so that each message can name
 * its partition and skip the hash.
 */
export function partitionOf(key: Uint8Array, partitions: number): number {
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({
    partitionId,
    leader: 0,
    replicas: [0],
    isr: [0],
    partitionErrorCode: 0,
  }));
  return defaultPartitioner({
    topic: "",
    partitionMetadata,
    message: { key: Buffer.from(key), value: null },
  });
}
