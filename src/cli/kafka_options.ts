import type { KafkaSettings } from "../run/config.ts";
import { UsageError } from "./errors.ts";
import { parseNumber } from "./parse.ts";

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
    "kafka-records-per-message": {
      type: "string",
      default: "1",
      help: "events per message, of one security and date (or KAFKA_RECORDS_PER_MESSAGE)",
    },
    "kafka-linger-ms": {
      type: "string",
      default: "5",
      help: "longest wait before a partly filled message is sent",
    },
  } as const;
}

export interface KafkaFlags {
  brokers?: string;
  topic?: string;
  maxInFlight: number;
  timeoutSeconds: number;
  /** The flag's text; KAFKA_RECORDS_PER_MESSAGE when absent; 1 when neither is given. */
  recordsPerMessage?: string;
  lingerMs?: number;
}

/** A message of this many records stays well under the broker's 1 MB message limit. */
const MAX_RECORDS_PER_MESSAGE = 10_000;

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
    recordsPerMessage: recordsPerMessage(flags.recordsPerMessage, env),
    lingerMs: flags.lingerMs ?? 5,
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

function recordsPerMessage(flag: string | undefined, env: (name: string) => string | undefined) {
  const fromEnv = env("KAFKA_RECORDS_PER_MESSAGE");
  const [name, text] = flag !== undefined
    ? ["--kafka-records-per-message", flag]
    : ["KAFKA_RECORDS_PER_MESSAGE", fromEnv || "1"];
  return parseNumber(name, text, { integer: true, min: 1, max: MAX_RECORDS_PER_MESSAGE });
}
