import { UsageError } from "../core/errors.ts";
import { MAX_RETRY_SECONDS } from "../kafka/retry.ts";
import {
  DEFAULT_LINGER_MS,
  DEFAULT_RECORDS_PER_MESSAGE,
  DEFAULT_TOPIC,
  kafkaSettings,
  MAX_RECORDS_PER_MESSAGE,
} from "../kafka/settings.ts";
import type { KafkaSettings } from "../kafka/settings.ts";
import { VALUE_FORMATS } from "../kafka/value_format.ts";
import type { ValueFormatName } from "../kafka/value_format.ts";
import { flags } from "./flags.ts";
import type { FlagValues } from "./flags.ts";

type Env = (name: string) => string | undefined;
const processEnv: Env = (name) => Deno.env.get(name);

/** `--kafka-brokers`; `note` says what happens without brokers. */
export function kafkaBrokersFlag(note: string) {
  return flags({
    "kafka-brokers": { type: "string", help: `host:port,... (or KAFKA_BROKERS); ${note}` },
  });
}

/** Where Kafka is and how long to wait for it. */
export function kafkaConnectionFlags(brokersNote: string) {
  return flags({
    ...kafkaBrokersFlag(brokersNote),
    "kafka-topic": { type: "string", help: "topic (or KAFKA_TOPIC)", defaultHelp: DEFAULT_TOPIC },
    "kafka-timeout": {
      type: "number",
      default: 30,
      min: 0,
      max: MAX_RETRY_SECONDS,
      help: "seconds to keep retrying an unreachable broker (producing: also to wait for an ack)",
    },
  });
}

/** How values hold events, for the commands that produce and the one that consumes. */
export function kafkaValueFlags() {
  return flags({
    "kafka-format": {
      type: "string",
      default: "rowbinary",
      oneOf: VALUE_FORMATS,
      help: "message values: rowbinary (k x 26-byte records), json (an object per event), " +
        "avro (Confluent wire format, schema in the registry)",
    },
    "schema-registry": {
      type: "string",
      check: { test: isHttpUrl, what: "an http:// or https:// URL" },
      help: "Schema Registry URL for avro (the schema is registered as TOPIC-value)",
    },
  });
}

function isHttpUrl(text: string): boolean {
  try {
    return ["http:", "https:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}

/** The flags of every command that produces to Kafka; `waits` names what is held back. */
export function kafkaProducerFlags(brokersNote: string, waits: string) {
  return flags({
    ...kafkaConnectionFlags(brokersNote),
    ...kafkaValueFlags(),
    "kafka-max-in-flight": {
      type: "number",
      default: 100_000,
      integer: true,
      min: 1,
      max: 10_000_000,
      help: `unacknowledged events before ${waits} waits`,
    },
    "kafka-records-per-message": {
      type: "number",
      integer: true,
      min: 1,
      max: MAX_RECORDS_PER_MESSAGE,
      defaultHelp: `KAFKA_RECORDS_PER_MESSAGE, else ${DEFAULT_RECORDS_PER_MESSAGE}`,
      help: "events per message, all of one security and trading date",
    },
    "kafka-linger-ms": {
      type: "number",
      default: DEFAULT_LINGER_MS,
      integer: true,
      min: 0,
      max: 60_000,
      help: "longest wait before a partly filled message is sent",
    },
  });
}

type KafkaValues = FlagValues<ReturnType<typeof kafkaConnectionFlags>> & {
  "kafka-max-in-flight"?: number;
  "kafka-records-per-message"?: number;
  "kafka-linger-ms"?: number;
  "kafka-format"?: string;
  "schema-registry"?: string;
};

/** Kafka settings from the flags and the KAFKA_* environment; null without brokers. */
export function kafkaFromFlags(values: KafkaValues, env = processEnv): KafkaSettings | null {
  return kafkaSettings({
    brokers: values["kafka-brokers"],
    topic: values["kafka-topic"],
    maxInFlight: values["kafka-max-in-flight"] ?? 1,
    timeoutSeconds: values["kafka-timeout"],
    recordsPerMessage: values["kafka-records-per-message"],
    lingerMs: values["kafka-linger-ms"],
    valueFormat: values["kafka-format"] as ValueFormatName | undefined,
    schemaRegistry: values["schema-registry"],
  }, env);
}

/** As `kafkaFromFlags`, for commands that cannot do without Kafka. */
export function requiredKafkaFromFlags(values: KafkaValues, env = processEnv): KafkaSettings {
  const settings = kafkaFromFlags(values, env);
  if (!settings) throw new UsageError("--kafka-brokers (or KAFKA_BROKERS) is required");
  return settings;
}

export const KAFKA_ENV_HELP =
  `Environment: KAFKA_BROKERS, KAFKA_TOPIC, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM,
KAFKA_SASL_USERNAME, KAFKA_SASL_PASSWORD, KAFKA_RECORDS_PER_MESSAGE (flags win over the
environment).`;
