import { UsageError } from "../core/errors.ts";
import type { ValueFormatName } from "./value_format.ts";

/** The topic every command uses unless `--kafka-topic` or KAFKA_TOPIC names another. */
export const DEFAULT_TOPIC = "exchange.events";

/** The first of each list is the default. */
const PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_SSL", "SASL_PLAINTEXT"] as const;
const MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;
export const DEFAULT_PROTOCOL = PROTOCOLS[0];
export const DEFAULT_SASL_MECHANISM = MECHANISMS[0];

export interface KafkaSettings {
  brokers: string[];
  topic: string;
  securityProtocol: typeof PROTOCOLS[number];
  saslMechanism?: typeof MECHANISMS[number];
  saslUsername?: string;
  saslPassword?: string;
  /** Events awaiting acknowledgement before the producer is held back. */
  maxInFlight: number;
  /** How long an unreachable broker is retried before its events count as failed. */
  timeoutMs: number;
  /** Events per message: a value is k x 26 bytes, 1 <= k <= this. */
  recordsPerMessage: number;
  /** A partly filled message leaves at most this long after its first event. */
  lingerMs: number;
  /** How a message's value holds its events (value_format.ts). */
  valueFormat: ValueFormatName;
  /** The Schema Registry's URL, for avro. */
  schemaRegistry?: string;
}

/** Events per message by default: one 26-byte record per message, what every consumer reads. */
export const DEFAULT_RECORDS_PER_MESSAGE = 1;
/** A message of this many records (260 KB) stays well under a broker's 1 MiB limit. */
export const MAX_RECORDS_PER_MESSAGE = 10_000;
export const DEFAULT_LINGER_MS = 5;

/** What the command line says; brokers and topic fall back to KAFKA_BROKERS and KAFKA_TOPIC. */
export interface KafkaOptions {
  brokers?: string;
  topic?: string;
  maxInFlight: number;
  timeoutSeconds: number;
  /** Falls back to KAFKA_RECORDS_PER_MESSAGE, then to DEFAULT_RECORDS_PER_MESSAGE. */
  recordsPerMessage?: number;
  lingerMs?: number;
  valueFormat?: ValueFormatName;
  schemaRegistry?: string;
}

/**
 * Kafka settings from the command line, falling back to KAFKA_* variables; null when no broker
 * is named (a run is then file-only).
 */
export function kafkaSettings(
  options: KafkaOptions,
  env: (name: string) => string | undefined,
): KafkaSettings | null {
  const brokersText = options.brokers || env("KAFKA_BROKERS") || "";
  if (!brokersText) return null;
  const from = options.brokers ? "--kafka-brokers" : "KAFKA_BROKERS";
  const brokers = brokersText.split(",").map((b) => b.trim()).filter(Boolean);
  for (const b of brokers) {
    const port = Number(/:(\d{1,5})$/.exec(b)?.[1]);
    if (!/^[A-Za-z0-9._-]+:\d{1,5}$/.test(b) || port < 1 || port > 65535) {
      throw new UsageError(`${from}: '${b}' is not host:port`);
    }
  }
  const topic = options.topic || env("KAFKA_TOPIC") || DEFAULT_TOPIC;
  const protocol = (env("KAFKA_SECURITY_PROTOCOL") || DEFAULT_PROTOCOL).toUpperCase();
  if (!PROTOCOLS.includes(protocol as typeof PROTOCOLS[number])) {
    throw new UsageError(
      `KAFKA_SECURITY_PROTOCOL: '${protocol}' is not one of ${PROTOCOLS.join(", ")}`,
    );
  }
  const settings: KafkaSettings = {
    brokers,
    topic,
    securityProtocol: protocol as KafkaSettings["securityProtocol"],
    maxInFlight: options.maxInFlight,
    timeoutMs: options.timeoutSeconds * 1000,
    recordsPerMessage: options.recordsPerMessage ?? recordsPerMessageFromEnv(env),
    lingerMs: options.lingerMs ?? DEFAULT_LINGER_MS,
    valueFormat: options.valueFormat ?? "rowbinary",
  };
  if (options.schemaRegistry !== undefined) settings.schemaRegistry = options.schemaRegistry;
  if (settings.valueFormat === "avro" && !settings.schemaRegistry) {
    throw new UsageError("--kafka-format avro needs --schema-registry URL");
  }
  if (settings.valueFormat !== "rowbinary" && settings.recordsPerMessage > 1) {
    throw new UsageError(
      `--kafka-format ${settings.valueFormat} is one event per message: ` +
        `--kafka-records-per-message (or KAFKA_RECORDS_PER_MESSAGE) must be 1`,
    );
  }
  if (protocol.startsWith("SASL")) {
    const mechanism = (env("KAFKA_SASL_MECHANISM") || DEFAULT_SASL_MECHANISM).toUpperCase();
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

function recordsPerMessageFromEnv(env: (name: string) => string | undefined): number {
  const text = env("KAFKA_RECORDS_PER_MESSAGE");
  if (!text) return DEFAULT_RECORDS_PER_MESSAGE;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_RECORDS_PER_MESSAGE) {
    throw new UsageError(
      `KAFKA_RECORDS_PER_MESSAGE: '${text}' is not an integer from 1 to ${MAX_RECORDS_PER_MESSAGE}`,
    );
  }
  return n;
}
