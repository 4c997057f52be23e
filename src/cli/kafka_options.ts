import { DEFAULT_TOPIC } from "../kafka/settings.ts";

/**
 * The flags of every command that talks to Kafka. `brokersNote` says what happens without
 * brokers; `waits` names what the bounded in-flight buffer holds back.
 */
export function kafkaFlags(brokersNote: string, waits: string) {
  return {
    "kafka-brokers": {
      type: "string",
      default: "",
      help: `host:port,... (or KAFKA_BROKERS); ${brokersNote}`,
    },
    "kafka-topic": { type: "string", default: DEFAULT_TOPIC, help: "topic (or KAFKA_TOPIC)" },
    "kafka-max-in-flight": {
      type: "string",
      default: "100000",
      help: `unacknowledged events before ${waits} waits`,
    },
    "kafka-timeout": {
      type: "string",
      default: "30",
      help: "seconds to keep retrying an unreachable broker",
    },
  } as const;
}
