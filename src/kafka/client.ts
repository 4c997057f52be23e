import process from "node:process";
import { Kafka, logLevel } from "kafkajs";
import "./lz4_codec.ts";
import { CONNECTION_TIMEOUT_MS, requestTimeoutMs, retryPolicy } from "./retry.ts";
import type { KafkaSettings } from "./settings.ts";

// kafkajs arms a timer with a negative delay while it is not throttled; Node's timers warn about
// it on every request. The delay is clamped to 1 ms either way, so that warning alone is dropped.
const emitWarning = process.emitWarning;
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const name = typeof warning === "string" ? rest[0] : warning.name;
  if (name !== "TimeoutNegativeWarning") {
    (emitWarning as (...a: unknown[]) => void).call(process, warning, ...rest);
  }
}) as typeof process.emitWarning;

/** A kafkajs client for `s`, retrying an unreachable broker for about `retryMs`. */
export function kafkaClient(s: KafkaSettings, clientId: string, retryMs: number): Kafka {
  const sasl = s.saslMechanism
    ? {
      mechanism: s.saslMechanism.toLowerCase() as "plain",
      username: s.saslUsername!,
      password: s.saslPassword!,
    }
    : undefined;
  return new Kafka({
    clientId,
    brokers: s.brokers,
    ssl: s.securityProtocol === "SSL" || s.securityProtocol === "SASL_SSL",
    sasl,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    requestTimeout: requestTimeoutMs(retryMs),
    authenticationTimeout: requestTimeoutMs(retryMs),
    logLevel: logLevel.NOTHING,
    retry: retryPolicy(retryMs),
  });
}
