import type { KafkaSettings } from "../run/config.ts";
import { UsageError } from "../core/errors.ts";

const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_SSL", "SASL_PLAINTEXT"] as const;
const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

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
    "kafka-topic": { type: "string", default: "exchange.events", help: "topic (or KAFKA_TOPIC)" },
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

export interface KafkaFlags {
  brokers?: string;
  topic?: string;
  maxInFlight: number;
  timeoutSeconds: number;
}

/**
 * Kafka settings from flags, falling back to KAFKA_* variables; null when no broker is named
 * (the run is then file-only).
 */
export function kafkaSettings(
  flags: KafkaFlags,
  env: (name: string) => string | undefined,
): KafkaSettings | null {
  const brokersText = flags.brokers || env("KAFKA_BROKERS") || "";
  if (!brokersText) return null;
  const brokers = brokersText.split(",").map((b) => b.trim()).filter(Boolean);
  for (const b of brokers) {
    if (!/^[^:\s]+:\d{1,5}$/.test(b)) {
      throw new UsageError(`--kafka-brokers: '${b}' is not host:port`);
    }
  }
  const topic = flags.topic || env("KAFKA_TOPIC") || "exchange.events";
  const protocol = (env("KAFKA_SECURITY_PROTOCOL") || "PLAINTEXT").toUpperCase();
  if (!PROTOCOLS.includes(protocol as typeof PROTOCOLS[number])) {
    throw new UsageError(
      `KAFKA_SECURITY_PROTOCOL: '${protocol}' is not one of ${PROTOCOLS.join(", ")}`,
    );
  }
  const settings: KafkaSettings = {
    brokers,
    topic,
    securityProtocol: protocol as KafkaSettings["securityProtocol"],
    maxInFlight: flags.maxInFlight,
    timeoutMs: flags.timeoutSeconds * 1000,
  };
  if (protocol.startsWith("SASL")) {
    const mechanism = (env("KAFKA_SASL_MECHANISM") || "PLAIN").toUpperCase();
    if (!MECHANISMS.includes(mechanism as typeof MECHANISMS[number])) {
      throw new UsageError(
        `KAFKA_SASL_MECHANISM: '${mechanism}' is not one of ${MECHANISMS.join(", ")}`,
      );
    }
    const username = env("KAFKA_SASL_USERNAME");
    const password = env("KAFKA_SASL_PASSWORD");
    if (!username || !password) {
      throw new UsageError(`${protocol} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD`);
    }
    settings.saslMechanism = mechanism as KafkaSettings["saslMechanism"];
    settings.saslUsername = username;
    settings.saslPassword = password;
  }
  return settings;
}
