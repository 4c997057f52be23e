import type { RecordBatchSender } from "../kafka/encoding_sender.ts";
import type { BatchSender } from "../kafka/producer.ts";

/** A producer's way to the topic: its partition count, and where its packed batches go. */
export interface KafkaLink {
  partitions: number;
  sender: BatchSender;
  /** Lets the connection go (nothing is left to send). */
  close(): Promise<void>;
}

/**
 * Connects (retrying within the settings' timeout, or until `stop` is requested); rejects with
 * the reason the user is told (`cannot reach BROKERS: ...`).
 */
/** A connection of this thread's: it also takes batches framed elsewhere (kafka_remote.ts). */
export interface KafkaConnection extends KafkaLink {
  framed: RecordBatchSender;
}

export type KafkaConnector = (stop?: { readonly requested: boolean }) => Promise<KafkaLink>;
